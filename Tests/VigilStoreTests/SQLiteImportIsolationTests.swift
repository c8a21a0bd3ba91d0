import Foundation
import GRDB
import Testing
import VigilCore
import VigilStore

@Suite("SQLite import isolation")
struct SQLiteImportIsolationTests {
    @Test("a record the database refuses is rejected alone; the rest of its chunk lands")
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
        let outcomes = try await store.importReferrals([submission("A"), submission("BAD"), submission("C")], sources: [], now: t0)
        #expect(accepted(outcomes[0]) != nil && accepted(outcomes[2]) != nil)
        guard case .failed(let reason) = outcomes[1] else {
            Issue.record("expected the refused record to fail, got \(outcomes[1])")
            return
        }
        #expect(reason.contains("refused by test trigger"))
        #expect(try await store.backlog(asOf: t0, limit: nil).flatMap(\.refs).sorted() == ["A", "C"])
    }
}
