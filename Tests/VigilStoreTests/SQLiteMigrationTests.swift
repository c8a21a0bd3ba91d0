import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilStore

@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    @Test("v5 rebuilds the checks table: rows, ids and states survive, an unknown state is still refused, the wide unique index is gone")
    func checksRebuildKeepsRowsAndRule() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v4-drop-redundant-check-index")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                VALUES (1, 1, 3, 99, 0, 1, 0);
                INSERT INTO checks (id, case_id, source, query, state, max_attempts, next_attempt_at, created_at)
                VALUES (41, 1, 'pnc', '{"person":{"name":"Sam Sample"}}', 'pending', 4, 0, 0),
                       (42, 1, 'subscriber', '{"ip":{"ipAddress":"198.51.100.7"}}', 'done', 4, 0, 0);
                """)
        }
        try queue.close()

        let store = try SQLiteStore(path: path)
        let detail = try await store.caseDetail(CaseID(1), asOf: t0)
        #expect(detail.checks.map(\.id).sorted() == [41, 42])
        #expect(Set(detail.checks.map(\.state)) == [.pending, .done])
        let reopened = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try reopened.write { try $0.execute(sql: "UPDATE checks SET state = 'forgotten' WHERE id = 41") }
        }
        let indexes = try await reopened.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'checks' ORDER BY name") }
        #expect(indexes == ["checks_case", "checks_leases", "checks_runnable"])
        let table = try await reopened.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'checks'") }
        #expect(table?.contains(" IN (") == false, "the state rule is comparisons, not an IN list (a temporary B-tree per insert)")
    }

    @Test("v6: re-assessment reads a case's facts from a covering index, and counts exactly pending and running checks as unfinished")
    func reassessmentReadsCoveringIndexes() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        _ = try SQLiteStore(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                VALUES (1, 1, 3, 99, 0, 1, 0);
                INSERT INTO facts (case_id, fact, value, provenance, at) VALUES (1, 'sexualOffenceHistory', 1, 'check:pnc', 0);
                INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
                VALUES (1, 'a-done', '{}', 'done', 4, 0, 0), (1, 'b-failed', '{}', 'failed', 4, 0, 0),
                       (1, 'c-pending', '{}', 'pending', 4, 0, 0), (1, 'd-running', '{}', 'running', 4, 0, 0);
                """)
        }
        let state = try await queue.read { try SQLiteStore.caseState($0, 1) }
        #expect(state.pendingChecks.sorted() == ["c-pending", "d-running"])
        #expect(state.facts[.sexualOffenceHistory].value == .yes)
        let plan = try await queue.read { db in
            try String.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT fact, value, provenance, at FROM facts WHERE case_id = 1",
                                adapter: SuffixRowAdapter(fromIndex: 3)).joined()
        }
        #expect(plan.contains("COVERING INDEX facts_case"))
    }
}
