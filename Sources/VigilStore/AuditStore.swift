#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import VigilCore

/// Something a person did: read or changed a case, or administered Vigil.
public struct AuditEvent: Sendable, Hashable {
    /// When.
    public var at: Date
    /// Who (a user or officer name).
    public var actor: String
    /// What, e.g. `case.show`, `case.claim`, `flag.notify`.
    public var action: String
    /// The case concerned, if any.
    public var caseId: CaseID?
    /// Details (free text).
    public var detail: String
    /// From where: `cli@host`, or the client address for the API.
    public var remote: String

    /// Creates an event.
    public init(at: Date, actor: String, action: String, caseId: CaseID?, detail: String, remote: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.caseId = caseId
        self.detail = detail
        self.remote = remote
    }
}

/// A stored audit entry with its place in the hash chain.
public struct AuditEntry: Sendable, Hashable, Encodable {
    /// Position in the log.
    public var id: Int64
    /// The event.
    public var at: Date
    public var actor: String
    public var action: String
    public var caseId: CaseID?
    public var detail: String
    public var remote: String
    /// The previous entry's hash (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 of the previous hash and this entry's content.
    public var hash: String
}

/// The outcome of checking the chain.
public struct AuditVerification: Sendable, Hashable, Encodable {
    /// Entries checked.
    public var entries: Int
    /// The first entry whose link is broken, nil when the chain is intact.
    public var firstBrokenId: Int64?
    /// Why that link is broken.
    public var reason: String?

    /// True when every link holds.
    public var isIntact: Bool { firstBrokenId == nil }
}

/// The append-only, hash-chained audit log.
public protocol AuditStore: Sendable {
    /// Appends an event to the end of the chain.
    func appendAudit(_ event: AuditEvent) async throws -> AuditEntry
    /// Entries in order, of one case or of all.
    func audit(caseId: CaseID?) async throws -> [AuditEntry]
    /// Recomputes every link and reports the first broken one.
    func verifyAudit() async throws -> AuditVerification
}

/// How each entry's hash is made: SHA-256 of the canonical JSON of the previous hash and the content.
public enum AuditChain {
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of an entry following `previous`.
    public static func hash(previous: String, _ event: AuditEvent) -> String {
        let content = JSONText.object([
            ("previous", JSONText.string(previous)), ("at", String(event.at.millis)), ("actor", JSONText.string(event.actor)),
            ("action", JSONText.string(event.action)), ("caseId", event.caseId.map { String($0.rawValue) }),
            ("detail", JSONText.string(event.detail)), ("remote", JSONText.string(event.remote)),
        ])
        return SHA256.hash(data: Array(content.utf8)).withUnsafeBytes { HexText.lowercase(raw: $0) }
    }
}
