import GRDB
import VigilStore

extension SQLiteStore {
    /// SQLite's own `integrity_check` and `foreign_key_check`, every case with its referral and its
    /// assessment, and the two things the store keeps twice: `check_counts` against the checks counted, and
    /// each case's `research_at` against the earliest due time of its pending checks.
    public func integrityProblems() async throws -> [String] {
        try await pool.read { db in
            var problems: [String] = []
            let engine = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if engine != ["ok"] { problems.append("SQLite integrity_check: " + engine.prefix(10).joined(separator: "; ")) }
            let orphans = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            if !orphans.isEmpty {
                let tables = Set(orphans.map { $0[0] as String }).sorted().joined(separator: ", ")
                problems.append("\(orphans.count) row(s) whose foreign key points nowhere, in \(tables)")
            }
            let counted: [(String, String)] = [
                ("case(s) without a referral", "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)"),
                (
                    "case(s) without an assessment",
                    "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.case_id = c.id)"
                ),
                (
                    "source and state count(s) in check_counts that differ from the checks counted",
                    """
                    SELECT COUNT(*) FROM (
                        SELECT source, state, SUM(n) AS n FROM (
                            SELECT source, state, n FROM check_counts
                            UNION ALL SELECT source, state, -COUNT(*) FROM checks GROUP BY source, state)
                        GROUP BY source, state HAVING SUM(n) != 0)
                    """
                ),
                (
                    "case(s) whose research_at is not the earliest due time of their pending checks",
                    """
                    SELECT COUNT(*) FROM cases c
                    WHERE c.research_at IS NOT (SELECT MIN(k.next_attempt_at) FROM checks k WHERE k.case_id = c.id AND k.state = 'pending')
                    """
                ),
            ]
            for (what, sql) in counted {
                let count = try Int.fetchOne(db, sql: sql) ?? 0
                if count > 0 { problems.append("\(count) \(what)") }
            }
            return problems
        }
    }
}
