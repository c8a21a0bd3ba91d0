#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Claims the first unclaimed case of the backlog order with `ClaimStatement`, one statement and no
    /// explicit transaction. The statement refuses to claim while a promotion is already due (in its own
    /// snapshot), so a claim never ranks a case below the grade it has aged into, however long since the
    /// last sweep; when it refuses, or finds nothing, the due promotions are written (`promoteAgedCases`)
    /// and the claim runs once more without the refusal. A claim is therefore one round trip whenever no
    /// promotion is due.
    public func claimNext(by officer: AuditActor, now: Date) async throws -> BacklogEntry? {
        var row = try await claimFirst(by: officer, now: now, promotionProbe: now.millis)
        if row == nil {
            try await promoteAgedCases(now: now)
            row = try await claimFirst(by: officer, now: now, promotionProbe: .min)
        }
        guard let row else { return nil }
        try await sealIfDue()
        return try BacklogEntryRow.decode(row, targets: targets, asOf: now)
    }

    /// Runs `ClaimStatement` and returns the claimed case's row, if it claimed one.
    private func claimFirst(by officer: AuditActor, now: Date, promotionProbe: Int64) async throws -> PostgresRow? {
        let statement = ClaimStatement(promotionProbe: promotionProbe, officer: officer.name, at: now.millis, remote: officer.remote)
        var claimed: PostgresRow?
        for try await row in try await client.execute(statement, logger: logger) { claimed = row }
        return claimed
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
