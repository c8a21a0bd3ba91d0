import Foundation
import GRDB
import Testing
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("SQLite import isolation")
struct SQLiteImportIsolationTests {
    @Test("a record the database refuses is rejected alone; the rest of its chunk lands, with its checks counted once")
    func refusedRecordIsolated() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_bad BEFORE INSERT ON referrals WHEN NEW.ref = 'BAD'
                    BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END
                    """)
        }
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        let lead = { (ref: String, ip: String) in
            submission(ref, source: .p2p, research: ResearchInputs(ips: [IPObservation(ipAddress: ip, at: t0 - 60, port: nil)]))
        }
        let outcomes = try await store.importReferrals(
            [lead("A", "198.51.100.1"), lead("BAD", "198.51.100.2"), lead("C", "198.51.100.3")], sources: sources, now: t0)
        #expect(accepted(outcomes[0]) != nil && accepted(outcomes[2]) != nil)
        guard case .failed(let reason) = outcomes[1] else {
            Issue.record("expected the refused record to fail, got \(outcomes[1])")
            return
        }
        #expect(reason.contains("refused by test trigger"))
        #expect(try await store.backlog(asOf: t0, limit: nil).flatMap(\.refs).sorted() == ["A", "C"])
        let checks = try await queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM checks") }
        #expect(checks == 2, "the first, rolled-back attempt at the chunk left no checks behind")
        #expect(try await store.researchState().pending == 2, "and no counts")
    }

    @Test("the per-source check counts match the checks table after new cases, joins that add and repeat checks, and sources in any order")
    func checkCountsMatchChecks() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        let email = LinkKey.email("sam@example.com")!
        let inputs = { (ip: String, name: String) in
            ResearchInputs(
                ips: [IPObservation(ipAddress: ip, at: t0 - 60, port: nil)],
                addresses: [PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .installation)],
                persons: [PersonIdentity(name: name, dateOfBirth: nil)], identifiers: Identifiers(emails: ["sam@example.com"]))
        }
        _ = try await store.importReferrals(
            [
                submission("A", links: [email], research: inputs("198.51.100.1", "Sam Sample")),
                submission("B", research: inputs("198.51.100.2", "Ivor Invented")),
                submission("C", links: [email], research: inputs("198.51.100.1", "Tess Testcase")),
            ], sources: sources, now: t0)
        _ = try await store.importReferrals(
            [submission("D", links: [email], research: inputs("198.51.100.3", "Sam Sample"))],
            sources: sources.reversed(), now: t0)
        let queue = try DatabaseQueue(path: path)
        let (kept, counted) = try await queue.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT source, state, COUNT(*) FROM checks GROUP BY source, state ORDER BY 1, 2").map {
                    "\($0[0] as String)/\($0[1] as String)=\($0[2] as Int)"
                },
                try Row.fetchAll(db, sql: "SELECT source, state, n FROM check_counts WHERE n != 0 ORDER BY 1, 2").map {
                    "\($0[0] as String)/\($0[1] as String)=\($0[2] as Int)"
                }
            )
        }
        #expect(Set(kept.map { $0.split(separator: "/")[0] }).count > 2, "several sources were planned")
        #expect(counted == kept)
    }
}
