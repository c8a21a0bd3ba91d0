import Foundation
import GRDB
import Testing
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

/// What `integrityProblems()` finds in a SQLite store whose rows were changed behind its back.
@Suite("SQLite: integrity check")
struct SQLiteIntegrityTests {
    @Test("a changed check count, a wrong research_at and a case whose referral was deleted are each named")
    func tamperingIsFound() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path, auditKey: AuditKey.generate())
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        let ip = IPObservation(ipAddress: "198.51.100.7", at: t0 - 3600, port: nil)
        _ = try await store.importReferrals(
            ["A", "B"].map { submission($0, source: .p2p, facts: [.distribution], research: ResearchInputs(ips: [ip])) }, sources: sources, now: t0)
        #expect(try await store.integrityProblems() == [])

        let raw = try DatabaseQueue(path: path)
        try await raw.write { db in
            try db.execute(sql: "UPDATE check_counts SET n = n + 2 WHERE state = 'pending'")
            try db.execute(sql: "UPDATE cases SET research_at = research_at + 1000 WHERE id = 1")
        }
        try await raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DELETE FROM referrals WHERE case_id = 2")
        }
        let problems = try await store.integrityProblems()
        #expect(problems.contains { $0.contains("check_counts") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("1 case(s) whose research_at") }, "\(problems)")
        #expect(problems.contains("1 case(s) without a referral"), "\(problems)")
    }
}
