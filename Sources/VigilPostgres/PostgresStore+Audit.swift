#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import PostgresNIO
import Synchronization
public import VigilCore
public import VigilStore

/// The audit log across processes. An entry is written in the transaction of the change it records, with
/// no link yet; sealing then gives each written entry, in id order, the next chain position and its hashes
/// (`AuditChain.hash` under the audit key), under a transaction-level advisory lock, so however many
/// processes write, there is one chain order and no writer waits on the chain's head. A process seals after
/// an audited change when it has not sealed within the last second, and at shutdown; `appendAudit`,
/// `audit`, `verifyAudit` and `auditCheckpoint` seal first, and an entry a crash left unsealed is sealed by
/// the next of them; until then the trigger that refuses updates and deletes guards it. An entry's `id` as
/// the API shows it is its chain position.
extension PostgresStore {
    /// The advisory lock key sealing holds ("audit" in ASCII).
    static let sealLock: Int64 = 0x61_75_64_69_74

    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        let rowId = try await transaction { try await self.insertAudit($0, event) }
        try await sealAudit()
        let rows = try await rows("SELECT \(unescaped: Self.auditColumns) FROM audit_log WHERE id = \(rowId)")
        return try Self.auditEntry(rows[0])
    }

    /// Writes `event` unsealed in the caller's transaction, so that it commits with the change it records
    /// or not at all; returns its row id.
    @discardableResult
    func insertAudit(_ connection: PostgresConnection, _ event: AuditEvent) async throws -> Int64 {
        let rows = try await connection.rows(
            """
            INSERT INTO audit_log (at, actor, action, case_id, detail, remote)
            VALUES (\(event.at.millis), \(event.actor), \(event.action), \(event.caseId?.rawValue), \(event.detail), \(event.remote))
            RETURNING id
            """, logger: logger)
        return try rows[0].decode(Int64.self)
    }

    /// Seals unless this process sealed within the last second: a busy server seals about once a second,
    /// not once per claim.
    func sealIfDue() async throws {
        let now = ContinuousClock.now
        let due = lastSeal.withLock { last in
            guard last.map({ now - $0 >= .seconds(1) }) ?? true else { return false }
            last = now
            return true
        }
        if due { try await sealAudit() }
    }

    /// Seals every written entry after the chain's head, in id order, a thousand per transaction and one
    /// statement.
    public func sealAudit() async throws {
        let key = auditKey
        while try await transaction({ connection -> Bool in
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.sealLock))", logger: self.logger)
            var position: Int64 = 0
            var previous = AuditChain.genesis
            for row in try await connection.rows(
                "SELECT position, hash FROM audit_log WHERE position IS NOT NULL ORDER BY position DESC LIMIT 1", logger: self.logger)
            {
                (position, previous) = try row.decode((Int64, String).self)
            }
            let unsealed = try await connection.rows(
                """
                SELECT id, at, actor, action, case_id, detail, remote FROM audit_log WHERE position IS NULL ORDER BY id LIMIT 1000
                """, logger: self.logger)
            var links: (ids: [Int64], positions: [Int64], previous: [String], hashes: [String]) = ([], [], [], [])
            for row in unsealed {
                let (id, at, actor, action, caseId, detail, remote) = try row.decode((Int64, Int64, String, String, Int64?, String, String).self)
                let event = AuditEvent(
                    at: Date(millis: at), actor: actor, action: action, caseId: caseId.map(CaseID.init), detail: detail, remote: remote)
                let hash = AuditChain.hash(previous: previous, event, key: key)
                position += 1
                links.ids.append(id)
                links.positions.append(position)
                links.previous.append(previous)
                links.hashes.append(hash)
                previous = hash
            }
            if !unsealed.isEmpty {
                try await connection.run(
                    """
                    UPDATE audit_log a SET position = u.p, previous_hash = u.v, hash = u.h
                    FROM unnest(\(links.ids)::bigint[], \(links.positions)::bigint[], \(links.previous)::text[], \(links.hashes)::text[]) AS u(i, p, v, h)
                    WHERE a.id = u.i
                    """, logger: self.logger)
            }
            return unsealed.count == 1000
        }) {}
    }

    public func audit(caseId: CaseID?) async throws -> [AuditEntry] {
        try await sealAudit()
        let filter: PostgresQuery =
            caseId.map { "SELECT \(unescaped: Self.auditColumns) FROM audit_log WHERE case_id = \($0.rawValue) ORDER BY position" }
            ?? "SELECT \(unescaped: Self.auditColumns) FROM audit_log ORDER BY position"
        return try await rows(filter).map(Self.auditEntry)
    }

    public func verifyAudit(against checkpoint: AuditCheckpoint?) async throws -> AuditVerification {
        try await sealAudit()
        let key = auditKey
        let guards = try await rows(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
        ).map { try $0.decode(String.self) }
        var walk = AuditChainWalk { AuditChain.hash(previous: $0, $1, key: key) }
        var verification: AuditVerification?
        for row in try await rows("SELECT \(unescaped: Self.auditColumns) FROM audit_log ORDER BY position, id") {
            let entry = try Self.auditEntry(row)
            if let broken = walk.step(entry) {
                verification = broken
                break
            }
        }
        var result = verification ?? walk.intact
        result.missingGuards = Self.auditGuards.filter { !guards.contains($0) }
        guard result.firstBrokenId == nil, let checkpoint else { return result }
        result.checkpointEntries = checkpoint.entries
        let held = try await rows("SELECT COUNT(*) FROM audit_log WHERE position <= \(checkpoint.lastId)")[0].decode(Int.self)
        let lastHash = try await rows("SELECT hash FROM audit_log WHERE position = \(checkpoint.lastId)").first?.decode(String.self)
        result.reason = AuditChain.checkpointMismatch(checkpoint, key: key, held: held, lastHash: lastHash)
        return result
    }

    public func auditCheckpoint(at now: Date) async throws -> AuditCheckpoint {
        try await sealAudit()
        let rows = try await rows("SELECT position, hash FROM audit_log WHERE position IS NOT NULL ORDER BY position DESC LIMIT 1")
        let (lastId, lastHash) = try rows.first?.decode((Int64, String).self) ?? (Int64(0), AuditChain.genesis)
        return AuditCheckpoint(entries: Int(lastId), lastId: lastId, lastHash: lastHash, at: now, key: auditKey)
    }

    /// The triggers that keep the audit log append-only; `verifyAudit` reports any that are missing.
    static let auditGuards = ["audit_log_append_only"]

    /// The columns `auditEntry` reads, in its order.
    static let auditColumns = "position, at, actor, action, case_id, detail, remote, previous_hash, hash"

    /// An entry from `auditColumns`; an entry not yet sealed shows position 0 and empty hashes.
    static func auditEntry(_ row: PostgresRow) throws -> AuditEntry {
        let (position, at, actor, action, caseId, detail, remote, previous, hash) = try row.decode(
            (Int64?, Int64, String, String, Int64?, String, String, String?, String?).self)
        return AuditEntry(
            id: position ?? 0, at: Date(millis: at), actor: actor, action: action, caseId: caseId.map(CaseID.init), detail: detail,
            remote: remote, previousHash: previous ?? "", hash: hash ?? "")
    }
}
