#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Promotes aged cases (an index range scan on `promote_at`), then claims the first case of the
    /// indexed backlog order with one `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING`, all in one
    /// IMMEDIATE transaction: concurrent claimers never share a case.
    public func claimNext(by officer: AuditActor, now: Date) async throws -> BacklogEntry? {
        let claimed: Int64? = try await writeImmediate { db in
            try Self.promoteAgedCases(db, now: now)
            guard
                let id = try Int64.fetchOne(
                    db.cachedStatement(
                        sql: """
                            UPDATE cases SET claimed_by = ?, claimed_at = ?, updated_at = ?
                            WHERE id = (
                                SELECT id FROM cases WHERE status = 'open' AND claimed_by IS NULL
                                ORDER BY imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id LIMIT 1)
                            RETURNING id
                            """), arguments: [officer.name, now.millis, now.millis])
            else { return nil }
            try db.cachedStatement(sql: "INSERT INTO claims (case_id, officer, claimed_at) VALUES (?, ?, ?)")
                .execute(arguments: [id, officer.name, now.millis])
            try self.appendAudit(db, AuditEvent(at: now, by: officer, .caseClaim, caseId: CaseID(id)))
            return id
        }
        guard let claimed else { return nil }
        return try await pool.read { db in try self.entries(db, caseIds: [claimed], asOf: now).first }
    }

    /// Gives every case whose promotion instant has passed the rank VigilCore planned for it
    /// (`CaseEvaluation.promotedGrade`); the row then sorts by its new effective grade without the backlog
    /// being re-sorted.
    static func promoteAgedCases(_ db: Database, now: Date) throws {
        try db.cachedStatement(
            sql: """
                UPDATE cases SET effective_rank = promoted_rank, promote_at = NULL
                WHERE promote_at IS NOT NULL AND promote_at < ?
                """
        ).execute(arguments: [now.millis])
    }

    /// Returns a claimed case to the backlog.
    public func release(_ id: CaseID, by actor: AuditActor, now: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard (row["claimed_by"] as String?) != nil, row["status"] == "open" else {
                throw StoreError(.invalidState, "case \(id) is not claimed")
            }
            try db.execute(
                sql: "UPDATE cases SET claimed_by = NULL, claimed_at = NULL, updated_at = ? WHERE id = ?",
                arguments: [now.millis, id.rawValue])
            try db.execute(
                sql: "UPDATE claims SET released_at = ? WHERE case_id = ? AND released_at IS NULL",
                arguments: [now.millis, id.rawValue])
            try self.appendAudit(db, AuditEvent(at: now, by: actor, .caseRelease, caseId: id))
        }
    }
}
