import PostgresNIO
import VigilStore

/// The claim statement, prepared once per connection: the claim is the backlog's hottest statement, and
/// a named statement skips its parsing and planning on every later claim. The `MATERIALIZED` CTE walks the
/// `cases_backlog` partial index (whose predicate and key are exactly the order, with no `OR`) and locks
/// the first row no other claimer holds (`SKIP LOCKED`); the same statement marks it held, writes the
/// claim's history row and its audit entry, and returns the case's whole entry. It claims nothing while
/// any case's promotion instant is before `promotionProbe`: it reads the soonest promotion, the first
/// entry of the `cases_promotion` index (a plan that holds for every probe, as a prepared statement's must).
struct ClaimStatement: PostgresPreparedStatement {
    static let name = "vigil_claim_next"

    static let sql = """
        WITH next AS MATERIALIZED (
            SELECT id FROM cases WHERE status = 'open' AND claimed_by IS NULL
                AND NOT EXISTS (
                    SELECT 1 FROM (SELECT promote_at FROM cases WHERE promote_at IS NOT NULL ORDER BY promote_at LIMIT 1) soonest
                    WHERE soonest.promote_at < $1)
            ORDER BY imminent_rank, effective_rank DESC, access_rank, youngest_rank, received_at, id
            LIMIT 1 FOR UPDATE SKIP LOCKED),
        held AS (
            UPDATE cases c SET claimed_by = $2, claimed_at = $3, updated_at = $3
            FROM next WHERE c.id = next.id RETURNING c.*),
        history AS (INSERT INTO claims (case_id, officer, claimed_at) SELECT id, $2, $3 FROM held),
        audited AS (
            INSERT INTO audit_log (at, actor, action, case_id, detail, remote)
            SELECT $3, $2, $4, id, '', $5 FROM held)
        SELECT \(BacklogEntryRow.columns("held")) FROM \(BacklogEntryRow.source("held", "held"))
        """

    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .int8, .text, .text]

    /// Promotions due before this instant stop the claim (`Int64.min`: none does).
    let promotionProbe: Int64
    /// The claiming officer's name.
    let officer: String
    /// The claim's instant, in stored milliseconds.
    let at: Int64
    /// The officer's remote address, for the audit entry.
    let remote: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(promotionProbe)
        bindings.append(officer)
        bindings.append(at)
        bindings.append(AuditAction.caseClaim.rawValue)
        bindings.append(remote)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
