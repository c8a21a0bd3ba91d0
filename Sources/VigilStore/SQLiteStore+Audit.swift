#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore

extension SQLiteStore {
    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        try await writeImmediate { db in
            let previous = try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") ?? AuditChain.genesis
            var stored = event
            stored.at = Date(millis: event.at.millis)
            let hash = AuditChain.hash(previous: previous, stored)
            try db.execute(sql: """
                INSERT INTO audit_log (at, actor, action, case_id, detail, remote, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [stored.at.millis, stored.actor, stored.action, stored.caseId?.rawValue, stored.detail, stored.remote,
                                 previous, hash])
            return AuditEntry(id: db.lastInsertedRowID, at: stored.at, actor: stored.actor, action: stored.action,
                              caseId: stored.caseId, detail: stored.detail, remote: stored.remote, previousHash: previous, hash: hash)
        }
    }

    public func audit(caseId: CaseID?) async throws -> [AuditEntry] {
        try await pool.read { db in
            let rows = try caseId.map {
                try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE case_id = ? ORDER BY id", arguments: [$0.rawValue])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            return rows.map(Self.auditEntry)
        }
    }

    public func verifyAudit() async throws -> AuditVerification {
        try await pool.read { db in
            var previous = AuditChain.genesis
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
            while let row = try cursor.next() {
                let entry = Self.auditEntry(row)
                count += 1
                guard entry.previousHash == previous else {
                    return AuditVerification(entries: count, firstBrokenId: entry.id,
                                             reason: "its previous hash does not match entry before it (an entry was removed or inserted)")
                }
                let event = AuditEvent(at: entry.at, actor: entry.actor, action: entry.action, caseId: entry.caseId,
                                       detail: entry.detail, remote: entry.remote)
                guard AuditChain.hash(previous: previous, event) == entry.hash else {
                    return AuditVerification(entries: count, firstBrokenId: entry.id, reason: "its content does not match its hash (it was edited)")
                }
                previous = entry.hash
            }
            return AuditVerification(entries: count, firstBrokenId: nil, reason: nil)
        }
    }

    private static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(id: row["id"], at: Date(millis: row["at"]), actor: row["actor"], action: row["action"],
                   caseId: (row["case_id"] as Int64?).map(CaseID.init), detail: row["detail"], remote: row["remote"],
                   previousHash: row["previous_hash"], hash: row["hash"])
    }
}
