#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
public import VigilCore

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
    /// HMAC-SHA256, under the audit key, of the previous hash and this entry's content.
    public var hash: String

    /// Creates the value from its parts.
    public init(
        id: Int64, at: Date, actor: String, action: String, caseId: CaseID?, detail: String, remote: String, previousHash: String, hash: String
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.caseId = caseId
        self.detail = detail
        self.remote = remote
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A signed head of the audit chain, exported to a file outside the database: how many entries the log
/// held, and the last one's id and hash, at a moment. A later verification against it detects entries
/// removed from the end (or all of them), which no hash chain can show by itself.
public struct AuditCheckpoint: Sendable, Hashable, Codable {
    /// Entries in the log when the checkpoint was taken.
    public var entries: Int
    /// The last entry's id (0 for an empty log).
    public var lastId: Int64
    /// The last entry's hash (the genesis hash for an empty log).
    public var lastHash: String
    /// When it was taken.
    public var at: Date
    /// HMAC of the fields above under the audit key.
    public var mac: String

    /// The text the MAC covers.
    static func signedText(entries: Int, lastId: Int64, lastHash: String, at: Date) -> String {
        "vigil-audit-checkpoint-v1|\(entries)|\(lastId)|\(lastHash)|\(at.millis)"
    }

    /// A checkpoint signed with `key`.
    public init(entries: Int, lastId: Int64, lastHash: String, at: Date, key: AuditKey) {
        let at = Date(millis: at.millis)
        self.entries = entries
        self.lastId = lastId
        self.lastHash = lastHash
        self.at = at
        mac = key.mac(Self.signedText(entries: entries, lastId: lastId, lastHash: lastHash, at: at))
    }

    /// True when the MAC matches the fields under `key` (the checkpoint is genuine and unedited).
    public func isSigned(by key: AuditKey) -> Bool {
        AccessToken.secretsEqual(mac, key.mac(Self.signedText(entries: entries, lastId: lastId, lastHash: lastHash, at: at)))
    }
}

/// The outcome of checking the chain.
public struct AuditVerification: Sendable, Hashable, Encodable {
    /// Entries checked.
    public var entries: Int
    /// The first entry whose link is broken, nil when the chain is intact.
    public var firstBrokenId: Int64?
    /// Why that link is broken, or why the log does not match the checkpoint.
    public var reason: String?
    /// The append-only guard triggers that are missing from the database (someone dropped them).
    public var missingGuards: [String]
    /// Whether a checkpoint was checked; nil when none was given (removal of the newest entries is then
    /// undetectable).
    public var checkpointEntries: Int?

    /// True when every link holds, the log still holds the checkpoint's entries, and the guards are in place.
    public var isIntact: Bool { firstBrokenId == nil && reason == nil && missingGuards.isEmpty }

    /// Creates a verification outcome.
    public init(entries: Int, firstBrokenId: Int64?, reason: String?, missingGuards: [String] = [], checkpointEntries: Int? = nil) {
        self.entries = entries
        self.firstBrokenId = firstBrokenId
        self.reason = reason
        self.missingGuards = missingGuards
        self.checkpointEntries = checkpointEntries
    }
}

/// The append-only, hash-chained audit log, anchored by a key outside the database.
public protocol AuditStore: Sendable {
    /// Appends an event to the end of the chain.
    func appendAudit(_ event: AuditEvent) async throws -> AuditEntry
    /// Entries in order, of one case or of all.
    func audit(caseId: CaseID?) async throws -> [AuditEntry]
    /// Recomputes every link under the audit key, checks the guard triggers and, given a checkpoint, that
    /// the log still holds every entry it counted; reports the first problem.
    func verifyAudit(against checkpoint: AuditCheckpoint?) async throws -> AuditVerification
    /// The signed head of the chain now.
    func auditCheckpoint(at: Date) async throws -> AuditCheckpoint
}

/// How each entry's hash is made: HMAC-SHA256, under the audit key, of the canonical JSON of the previous
/// hash and the entry's content.
public enum AuditChain {
    /// The previous hash of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of an entry following `previous`.
    public static func hash(previous: String, _ event: AuditEvent, key: AuditKey) -> String {
        key.mac(content(previous: previous, event))
    }

    /// The unkeyed SHA-256 hash that databases made before the key anchored the chain stored; read only to
    /// check such a chain before it is re-hashed under the key.
    public static func legacyHash(previous: String, _ event: AuditEvent) -> String {
        SHA256.hash(data: Array(content(previous: previous, event).utf8)).withUnsafeBytes { HexText.lowercase(raw: $0) }
    }

    private static func content(previous: String, _ event: AuditEvent) -> String {
        JSONText.object([
            ("previous", JSONText.string(previous)), ("at", String(event.at.millis)), ("actor", JSONText.string(event.actor)),
            ("action", JSONText.string(event.action)), ("caseId", event.caseId.map { String($0.rawValue) }),
            ("detail", JSONText.string(event.detail)), ("remote", JSONText.string(event.remote)),
        ])
    }
}
