public import Foundation
public import VigilCore
import VigilPostgres
import VigilSQLite
public import VigilStore

/// Every `Store` implementation the conformance suites run against.
public enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    /// The in-memory reference implementation.
    case memory
    /// The embedded SQLite store, on a file in a new temporary folder.
    case sqlite
    /// The PostgreSQL store, on a new database of the test run's cluster.
    case postgres

    /// The kinds this run can make: PostgreSQL when the run has a cluster (`Scripts/test.sh` always starts
    /// one, and `PostgresClusterTests` fails a scripted run without it).
    public static var allCases: [StoreKind] { [.memory, .sqlite] + (PostgresTestDatabase.cluster == nil ? [] : [.postgres]) }

    public var description: String { rawValue }

    /// Runs `body` with a fresh, empty store of this kind, disposing of it afterwards; a PostgreSQL store's
    /// connection pool runs as a child task for the duration.
    public func withStore(_ body: (any Store) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(MemoryStore())
        case .sqlite:
            let (path, dispose) = try scratchDatabasePath()
            defer { dispose() }
            try await body(try SQLiteStore(path: path))
        case .postgres:
            try await PostgresTestDatabase.with { location in
                let store = try await PostgresStore.open(location, auditKey: AuditKey.generate())
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await store.run() }
                    do {
                        try await body(store)
                    } catch {
                        group.cancelAll()
                        throw error
                    }
                    group.cancelAll()
                }
            }
        }
    }
}

/// The path of a database file in a new temporary folder, and a closure that removes the folder.
public func scratchDatabasePath() throws -> (String, @Sendable () -> Void) {
    let folder = try TemporaryFolder()
    return (folder.path("test.sqlite"), { folder.remove() })
}

/// A referral submission built directly from facts, children and link keys, received at `received`
/// (`TestInstants.t0` by default); its raw content is `{"ref":"<ref>"}` unless `content` is given.
public func submission(
    _ ref: String, source: ReferralSource = .nca, received: Date = TestInstants.t0, facts: [FactKind] = [],
    children: [Child] = [], links: [LinkKey] = [], research: ResearchInputs = ResearchInputs(),
    content: String? = nil, supplements: String? = nil
) -> ReferralSubmission {
    let referral = Referral(
        source: source, ref: ref, receivedAt: received,
        observations: facts.map { FactObservation(fact: $0, value: true, provenance: .referral, at: received) },
        children: children, linkKeys: links, research: research, supplements: supplements)
    let body = content ?? "{\"ref\":\"\(ref)\"}"
    return ReferralSubmission(referral: referral, raw: body, contentDigest: body)
}

/// The case id of an accepted outcome.
public func accepted(_ outcome: ImportOutcome) -> CaseID? {
    if case .accepted(let id) = outcome { return id }
    return nil
}

/// A coded outcome for tests that close cases (no further action, insufficient evidence, unless `code`).
public func outcome(_ code: CaseOutcomeCode = .nfaInsufficientEvidence) -> CaseOutcome {
    try! CaseOutcome(code: code)
}
