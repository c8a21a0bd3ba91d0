#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Claims the first unclaimed case of the backlog order in one statement, with no explicit
    /// transaction: the `MATERIALIZED` CTE walks the `cases_backlog` partial index (whose predicate and key
    /// are exactly the order, with no `OR`) and locks the first row no other claimer holds (`SKIP LOCKED`),
    /// and the same statement marks it held, writes the claim's history row and its audit entry. Promotions
    /// already due are written first (`promoteAgedCases`), so a claim never ranks a case below the grade it
    /// has aged into, however long since the promoter last ran. The statement returns the claimed case's
    /// whole entry, so a claim costs two round trips: the promotion sweep and the claim.
    public func claimNext(by officer: AuditActor, now: Date) async throws -> BacklogEntry? {
        try await promoteAgedCases(now: now)
        let claimed = try await rows(
            """
            WITH next AS MATERIALIZED (
                SELECT id FROM cases WHERE status = 'open' AND claimed_by IS NULL
                ORDER BY imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id
                LIMIT 1 FOR UPDATE SKIP LOCKED),
            held AS (
                UPDATE cases c SET claimed_by = \(officer.name), claimed_at = \(now.millis), updated_at = \(now.millis)
                FROM next WHERE c.id = next.id RETURNING c.*),
            history AS (INSERT INTO claims (case_id, officer, claimed_at) SELECT id, \(officer.name), \(now.millis) FROM held),
            audited AS (
                INSERT INTO audit_log (at, actor, action, case_id, detail, remote)
                SELECT \(now.millis), \(officer.name), \(AuditAction.caseClaim.rawValue), id, '', \(officer.remote) FROM held)
            SELECT \(unescaped: BacklogEntryRow.columns("held")) FROM held
            """)
        guard let row = claimed.first else { return nil }
        try await sealIfDue()
        return try BacklogEntryRow.decode(row, targets: targets, asOf: now)
    }

    /// Gives every case whose promotion instant has passed the rank VigilCore planned for it, a thousand at a
    /// time over the `cases_promotion` index, skipping rows another process is writing (it promotes them).
    func promoteAgedCases(now: Date) async throws {
        while try await rows(
            """
            UPDATE cases SET effective_rank = promoted_rank, promote_at = NULL
            WHERE id IN (
                SELECT id FROM cases WHERE promote_at IS NOT NULL AND promote_at < \(now.millis) LIMIT 1000 FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ).count == 1000 {}
    }

    /// Returns a claimed case to the backlog.
    public func release(_ id: CaseID, by actor: AuditActor, now: Date) async throws {
        try await audited { connection in
            let row = try await self.requireCase(connection, id)
            guard row.claimedBy != nil, row.status == "open" else { throw StoreError(.invalidState, "case \(id) is not claimed") }
            try await connection.run(
                "UPDATE cases SET claimed_by = NULL, claimed_at = NULL, updated_at = \(now.millis) WHERE id = \(id.rawValue)", logger: self.logger)
            try await connection.run(
                "UPDATE claims SET released_at = \(now.millis) WHERE case_id = \(id.rawValue) AND released_at IS NULL", logger: self.logger)
            try await self.insertAudit(connection, AuditEvent(at: now, by: actor, .caseRelease, caseId: id))
        }
    }
}
