#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

extension MemoryStore {
    public func addUser(name: String, role: Role, tokenHash: String, now: Date) async throws -> UserRecord {
        guard userRows[name] == nil else { throw StoreError(.invalidState, "a user named \(name) exists already") }
        let record = UserRecord(name: name, role: role, createdAt: now.storedInstant, revokedAt: nil)
        userRows[name] = MemoryUser(record: record, tokenHash: tokenHash)
        return record
    }

    public func users() async throws -> [UserRecord] {
        userRows.values.map(\.record).sorted { $0.name < $1.name }
    }

    public func revokeUser(name: String, now: Date) async throws {
        guard userRows[name]?.record.revokedAt == nil, userRows[name] != nil else { throw StoreError(.notFound, "no active user named \(name)") }
        userRows[name]!.record.revokedAt = now.storedInstant
    }

    public func user(tokenHash: String) async throws -> UserRecord? {
        userRows.values.first { $0.tokenHash == tokenHash && $0.record.revokedAt == nil }?.record
    }

    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        appendAuditEntry(event)
    }

    public func audit(caseId: CaseID?) async throws -> [AuditEntry] {
        caseId.map { id in auditLog.filter { $0.caseId == id } } ?? auditLog
    }

    public func verifyAudit(against checkpoint: AuditCheckpoint?) async throws -> AuditVerification {
        let key = auditKey
        var walk = AuditChainWalk { AuditChain.hash(previous: $0, $1, key: key) }
        for entry in auditLog {
            if let broken = walk.step(entry) { return broken }
        }
        var verification = walk.intact
        guard let checkpoint else { return verification }
        verification.checkpointEntries = checkpoint.entries
        verification.reason = AuditChain.checkpointMismatch(
            checkpoint, key: key, held: auditLog.filter { $0.id <= checkpoint.lastId }.count,
            lastHash: auditLog.first { $0.id == checkpoint.lastId }?.hash)
        return verification
    }

    public func auditCheckpoint(at now: Date) async throws -> AuditCheckpoint {
        AuditCheckpoint(
            entries: auditLog.count, lastId: auditLog.last?.id ?? 0, lastHash: auditLog.last?.hash ?? AuditChain.genesis, at: now, key: auditKey)
    }
}
