import Foundation
import GRDB
import Testing
import VigilCore
import VigilStore

@Suite("SQLite import isolation")
struct SQLiteImportIsolationTests {
    @Test("a record the database refuses is rejected alone; the rest of its chunk lands, with its checks counted once")
    func refusedRecordIsolated() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
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
}
