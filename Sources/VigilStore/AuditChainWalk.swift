import VigilCore

/// Walks an audit chain in id order, entry by entry, and reports the first entry whose link or content
/// fails: the rule every store's `verifyAudit` applies, whatever it reads its entries from.
public struct AuditChainWalk {
    private var previous = AuditChain.genesis
    private let hash: (String, AuditEvent) -> String
    /// Entries taken so far.
    public private(set) var count = 0

    /// A walk that recomputes each entry's hash with `hash(previous, event)`.
    public init(hash: @escaping (String, AuditEvent) -> String) {
        self.hash = hash
    }

    /// Takes the next entry; returns the verification naming it when it breaks the chain.
    public mutating func step(_ entry: AuditEntry) -> AuditVerification? {
        count += 1
        guard entry.previousHash == previous else {
            return AuditVerification(
                entries: count, firstBrokenId: entry.id,
                reason: "its previous hash does not match the entry before it (an entry was removed or inserted)")
        }
        guard hash(previous, entry.event) == entry.hash else {
            return AuditVerification(
                entries: count, firstBrokenId: entry.id,
                reason: "its content does not match its hash (it was edited, or written without the audit key)")
        }
        previous = entry.hash
        return nil
    }

    /// The verification of an intact walk over every entry taken.
    public var intact: AuditVerification { AuditVerification(entries: count, firstBrokenId: nil, reason: nil) }
}

extension AuditChain {
    /// Why a log does not match a signed `checkpoint`, or nil when it does: `held` is how many entries the
    /// log holds up to the checkpoint's last id, `lastHash` that entry's hash (nil when it is gone).
    public static func checkpointMismatch(_ checkpoint: AuditCheckpoint, key: AuditKey, held: Int, lastHash: String?) -> String? {
        guard checkpoint.isSigned(by: key) else {
            return "the checkpoint's signature does not match (it was edited, or made with another key)"
        }
        let lastHash = checkpoint.lastId == 0 ? AuditChain.genesis : lastHash
        guard let lastHash else {
            return "entry #\(checkpoint.lastId), the last of the checkpoint of \(Timestamp.format(checkpoint.at)), "
                + "is missing: entries were removed from the end of the log"
        }
        guard lastHash == checkpoint.lastHash else {
            return "entry #\(checkpoint.lastId) is not the one the checkpoint of \(Timestamp.format(checkpoint.at)) signed"
        }
        guard held == checkpoint.entries else {
            return "the log holds \(held) entries up to #\(checkpoint.lastId); the checkpoint of "
                + "\(Timestamp.format(checkpoint.at)) counted \(checkpoint.entries)"
        }
        return nil
    }
}

extension AuditEntry {
    /// The event the entry records.
    public var event: AuditEvent {
        AuditEvent(at: at, actor: actor, action: action, caseId: caseId, detail: detail, remote: remote)
    }
}
