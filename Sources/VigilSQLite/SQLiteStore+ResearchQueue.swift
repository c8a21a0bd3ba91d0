import GRDB
import VigilStore

/// How workers find the next checks to run (migration v9). Research goes to the riskiest cases first, so
/// the queue is ordered by each case's backlog key. Ordering pending check rows by their case's key meant
/// joining and sorting every runnable check on each lease: with 100,000 cases (1.2 million pending
/// checks) a lease held the write lock for ~0.4 s, and claims waited behind it. Instead each case keeps
/// `research_at`, the earliest `next_attempt_at` of its pending checks (NULL when none is pending), and the
/// partial index `cases_research` orders the cases that have one by the backlog key. A lease walks that
/// index and takes the due checks of one case after another, so its cost follows the checks it leases,
/// not the size of the queue. Every write that adds a pending check, or moves one into or out of
/// `pending`, keeps the column true in the same transaction.
extension SQLiteStore {
    /// Recomputes the case's `research_at` from its pending checks (a few rows on `checks_case`); writes
    /// the row only when the value changes.
    func refreshResearchDue(_ db: Database, caseId: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE cases SET research_at = due.at
                FROM (SELECT MIN(next_attempt_at) AS at FROM checks WHERE case_id = ?1 AND state = 'pending') AS due
                WHERE cases.id = ?1 AND cases.research_at IS NOT due.at
                """
        ).run(.integer(caseId))
    }

    /// Brings the case's `research_at` forward to `at` when a check due then was added.
    func researchDue(_ db: Database, caseId: Int64, at: Int64) throws {
        try db.cachedStatement(
            sql: """
                UPDATE cases SET research_at = ?2 WHERE id = ?1 AND (research_at IS NULL OR research_at > ?2)
                """
        ).run(.integer(caseId), .integer(at))
    }
}
