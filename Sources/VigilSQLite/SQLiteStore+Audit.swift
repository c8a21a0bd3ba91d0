#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        try await writeImmediate { db in try self.appendAudit(db, event) }
    }

    /// Appends `event` to the chain inside the caller's write transaction, so that it commits with the
    /// change it records, or not at all.
    @discardableResult
    func appendAudit(_ db: Database, _ event: AuditEvent) throws -> AuditEntry {
        // Cached statements stepped through SQLite's C API (BoundStatement.swift): a claim appends its entry
        // inside the claim's own transaction, on the single writer.
        var previous = AuditChain.genesis
        try db.cachedStatement(sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").forEachRow { previous = $0.text(0) }
        var stored = event
        stored.at = Date(millis: event.at.millis)
        let hash = AuditChain.hash(previous: previous, stored, key: auditKey)
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (at, actor, action, case_id, detail, remote, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .integer(stored.at.millis), .text(stored.actor), .text(stored.action), .integer(stored.caseId?.rawValue),
            .text(stored.detail), .text(stored.remote), .text(previous), .text(hash))
        return AuditEntry(
            id: db.lastInsertedRowID, at: stored.at, actor: stored.actor, action: stored.action,
            caseId: stored.caseId, detail: stored.detail, remote: stored.remote, previousHash: previous, hash: hash)
    }

    public func audit(caseId: CaseID?) async throws -> [AuditEntry] {
        try await pool.read { db in
            let rows =
                try caseId.map {
                    try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE case_id = ? ORDER BY id", arguments: [$0.rawValue])
                } ?? Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            return rows.map(Self.auditEntry)
        }
    }

    public func verifyAudit(against checkpoint: AuditCheckpoint?) async throws -> AuditVerification {
        let key = auditKey
        return try await pool.read { db in
            let present = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"))
            let missing = SQLiteSchema.auditGuards.filter { !present.contains($0) }
            var verification = try Self.walkChain(db) { AuditChain.hash(previous: $0, $1, key: key) }
            verification.missingGuards = missing
            guard verification.firstBrokenId == nil, let checkpoint else { return verification }
            verification.checkpointEntries = checkpoint.entries
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE id <= ?", arguments: [checkpoint.lastId]) ?? 0
            let lastHash = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [checkpoint.lastId])
            verification.reason = AuditChain.checkpointMismatch(checkpoint, key: key, held: held, lastHash: lastHash)
            return verification
        }
    }

    public func auditCheckpoint(at now: Date) async throws -> AuditCheckpoint {
        let key = auditKey
        return try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), MAX(id) FROM audit_log")!
            let lastId: Int64 = row[1] ?? 0
            let lastHash = try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE id = ?", arguments: [lastId]) ?? AuditChain.genesis
            return AuditCheckpoint(entries: row[0], lastId: lastId, lastHash: lastHash, at: now, key: key)
        }
    }

    /// Re-hashes a chain made before the key anchored it (migration v11), after checking its unkeyed
    /// links: a chain that is already broken is refused rather than re-anchored over the damage.
    static func anchorAuditChain(_ db: Database, key: AuditKey) throws {
        let check = try walkChain(db, hash: AuditChain.legacyHash)
        if let broken = check.firstBrokenId {
            throw StoreError(
                .invalidState,
                "the audit log is broken at entry \(broken) (\(check.reason ?? "")); "
                    + "it is not re-anchored under the audit key until that is investigated")
        }
        try db.execute(sql: "DROP TRIGGER audit_log_no_update")
        var previous = AuditChain.genesis
        let entries = try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id").map(auditEntry)
        let update = try db.makeStatement(sql: "UPDATE audit_log SET previous_hash = ?, hash = ? WHERE id = ?")
        for entry in entries {
            let hash = AuditChain.hash(previous: previous, entry.event, key: key)
            try update.execute(arguments: [previous, hash, entry.id])
            previous = hash
        }
        try db.execute(
            sql: """
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                """)
    }

    /// Walks the chain in id order with `hash`, reporting the first entry whose link or content fails.
    private static func walkChain(_ db: Database, hash: @escaping (String, AuditEvent) -> String) throws -> AuditVerification {
        var walk = AuditChainWalk(hash: hash)
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
        while let row = try cursor.next() {
            if let broken = walk.step(auditEntry(row)) { return broken }
        }
        return walk.intact
    }

    private static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            id: row["id"], at: Date(millis: row["at"]), actor: row["actor"], action: row["action"],
            caseId: (row["case_id"] as Int64?).map(CaseID.init), detail: row["detail"], remote: row["remote"],
            previousHash: row["previous_hash"], hash: row["hash"])
    }
}
