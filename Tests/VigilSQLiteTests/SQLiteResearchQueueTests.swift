import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilSQLite
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("SQLite research queue")
struct SQLiteResearchQueueTests {
    let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")

    /// Each case's `research_at` by id (nil: no pending check).
    func researchAt(_ path: String) async throws -> [Int64: Int64?] {
        try await DatabaseQueue(path: path).read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, research_at FROM cases").map { ($0[0], $0[1]) })
        }
    }

    @Test("a case's research_at is the earliest due time of its pending checks through intake, lease, retry, manual retry and a joining referral")
    func researchAtFollowsPendingChecks() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let email = LinkKey.email("sam@example.com")!
        let ip = IPObservation(ipAddress: "198.51.100.77", at: t0 - 3600, port: nil)
        let outcomes = try await store.importReferrals(
            [
                submission("A", links: [email], research: ResearchInputs(ips: [ip])),
                submission("B"),
            ], sources: sources, now: t0)
        let (a, b) = (try #require(accepted(outcomes[0])).rawValue, try #require(accepted(outcomes[1])).rawValue)
        #expect(try await researchAt(path) == [a: t0.millis, b: nil], "a new case with checks is due at once; one without has none")

        let lease = try #require(try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 1, leaseDuration: 30).first)
        #expect(try await researchAt(path)[a] == .some(nil), "its only check is running: nothing pending")

        #expect(try await store.failCheck(lease, error: "timeout", retryAt: t0 + 60, now: t0 + 2))
        #expect(try await researchAt(path)[a] == (t0 + 60).millis)
        #expect(try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 59, leaseDuration: 30).isEmpty)
        let again = try #require(try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 60, leaseDuration: 30).first)
        #expect(again.checkId == lease.checkId && again.attempt == 2)
        #expect(try await store.failCheck(again, error: "gone", retryAt: nil, now: t0 + 61))
        #expect(try await researchAt(path)[a] == .some(nil), "failed for good: nothing pending")

        _ = try await store.retryCheck(lease.checkId, by: AuditActor(name: "test", remote: "test"), now: t0 + 120)
        #expect(try await researchAt(path)[a] == (t0 + 120).millis)
        _ = try #require(try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 121, leaseDuration: 30).first)

        let joined = try await store.importReferrals(
            [
                submission(
                    "C", links: [email],
                    research: ResearchInputs(addresses: [
                        PostalAddress(line1: "1 Example Row", town: "Exampleton", postcode: "ZZ1 0XA", addressType: .installation)
                    ]))
            ], sources: sources, now: t0 + 300)
        #expect(joined.map(accepted) == [CaseID(a)])
        #expect(try await researchAt(path)[a] == (t0 + 300).millis, "the joining referral's address checks are due")
    }

    @Test("a lease walks cases in backlog order on cases_research without sorting every pending check, and skips cases whose checks wait for a retry")
    func leaseWalksTheCaseIndex() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let research = { (octet: Int) in ResearchInputs(ips: [IPObservation(ipAddress: "198.51.100.\(octet)", at: t0 - 60, port: nil)]) }
        let ids = try await store.importReferrals(
            [
                submission("LOW", research: research(1)),
                submission("HIGH", facts: [.childAccessHousehold], research: research(2)),
                submission("VERY-HIGH", facts: [.imminentDanger], research: research(3)),
            ], sources: sources, now: t0
        ).compactMap(accepted)
        let first = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0, leaseDuration: 30).first)
        #expect(first.caseId == ids[2])
        #expect(try await store.failCheck(first, error: "timeout", retryAt: t0 + 600, now: t0 + 1))
        let next = try await store.leaseChecks(owner: "w", limit: 5, now: t0 + 2, leaseDuration: 30)
        #expect(next.map(\.caseId) == [ids[1], ids[0]], "the Very High case waits for its retry; the others follow in backlog order")

        let plan = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT k.id FROM cases c CROSS JOIN checks k ON k.case_id = c.id
                    WHERE c.research_at <= 1 AND k.state = 'pending' AND k.next_attempt_at <= 1
                    ORDER BY c.imminent_rank, c.effective_rank DESC, c.access_rank, c.youngest_rank, c.received_at, c.id, k.next_attempt_at, k.id
                    LIMIT 5
                    """, adapter: SuffixRowAdapter(fromIndex: 3)
            ).joined(separator: "; ")
        }
        #expect(plan.contains("INDEX cases_research") && plan.contains("INDEX checks_case"), "\(plan)")
        #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "only each case's own checks are sorted: \(plan)")
    }

    @Test("v9 fills research_at from the pending checks of each case and drops checks_runnable")
    func migrationFillsResearchAt() async throws {
        let (path, dispose) = try await scratchDatabase(
            migratedUpTo: "v8-recent-link-keys",
            rows: """
                    INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                    VALUES (1, 1, 3, 99, 0, 1, 0), (1, 1, 3, 99, 0, 0, 0), (1, 1, 3, 99, 0, 1, 0);
                    INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at) VALUES
                        (1, 'pnc', 'a', 'pending', 4, 500, 0), (1, 'visor', 'a', 'pending', 4, 300, 0), (1, 'pnd', 'b', 'running', 4, 100, 0),
                        (2, 'pnc', 'c', 'done', 4, 100, 0), (3, 'pnc', 'd', 'failed', 4, 50, 0), (3, 'visor', 'd', 'pending', 4, 900, 0);
                """)
        defer { dispose() }
        _ = try SQLiteStore(path: path)
        #expect(try await researchAt(path) == [1: 300, 2: nil, 3: 900])
        let indexes = try await DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        #expect(indexes.contains("cases_research") && !indexes.contains("checks_runnable"))
    }
}
