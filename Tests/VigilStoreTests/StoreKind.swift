import Foundation
import VigilCore
import VigilStore
import VigilTesting

/// Every Store implementation the conformance suite runs against.
enum StoreKind: String, CaseIterable, CustomStringConvertible {
    case memory
    case sqlite

    var description: String { rawValue }

    /// A fresh, empty store of this kind and a closure that disposes of it.
    func make() throws -> (any Store, @Sendable () -> Void) {
        switch self {
        case .memory:
            return (MemoryStore(), {})
        case .sqlite:
            let (path, dispose) = try scratchDatabasePath()
            return (try SQLiteStore(path: path), dispose)
        }
    }
}

/// The path of a database file in a new temporary folder, and a closure that removes the folder.
func scratchDatabasePath() throws -> (String, @Sendable () -> Void) {
    let folder = try TemporaryFolder()
    return (folder.path("test.sqlite"), { folder.remove() })
}

/// The suite's fixed instant and a day (`TestInstants`).
let t0 = TestInstants.t0
let day = TestInstants.day

/// A referral submission built directly from facts, children and link keys.
func submission(
    _ ref: String, source: ReferralSource = .nca, received: Date = t0, facts: [FactKind] = [],
    children: [Child] = [], links: [LinkKey] = [], research: ResearchInputs = ResearchInputs(),
    content: String? = nil
) -> ReferralSubmission {
    let referral = Referral(
        source: source, ref: ref, receivedAt: received,
        observations: facts.map { FactObservation(fact: $0, value: true, provenance: .referral, at: received) },
        children: children, linkKeys: links, research: research)
    let body = content ?? "{\"ref\":\"\(ref)\"}"
    return ReferralSubmission(referral: referral, raw: body, contentDigest: body)
}

/// The case id of an accepted outcome.
func accepted(_ outcome: ImportOutcome) -> CaseID? {
    if case .accepted(let id) = outcome { return id }
    return nil
}
