/// The rule for settling a safeguarding flag: only an open flag is notified or deferred.
public enum FlagSettlement {
    /// Nil when a flag in `current` state (nil: the case has no such flag) may become `target`; otherwise
    /// why not, and whether it is because the flag is missing.
    public static func refusal(kind: FlagKind, of caseId: CaseID, current: FlagState?, target: FlagState) -> FlagSettlementRefusal? {
        guard let current else { return FlagSettlementRefusal(missing: true, message: "case \(caseId) has no \(kind.rawValue) flag") }
        guard current == .open else {
            return FlagSettlementRefusal(missing: false, message: "the \(kind.rawValue) flag of case \(caseId) is already \(current.rawValue)")
        }
        return nil
    }
}

/// Why a flag cannot be settled.
public struct FlagSettlementRefusal: Sendable, Hashable {
    /// True when the case has no such flag (rather than a flag in another state).
    public var missing: Bool
    /// A sentence for people.
    public var message: String
}
