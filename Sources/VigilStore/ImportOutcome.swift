public import VigilCore

/// What the store did with one submitted referral.
public enum ImportOutcome: Sendable, Hashable {
    /// Stored; the case it opened or joined.
    case accepted(CaseID)
    /// The same ref with identical content was already stored: nothing changed.
    case duplicate(CaseID)
    /// The same ref with different content was already stored: refused, nothing overwritten.
    case conflict(CaseID)
    /// A rule only the store's contents reveal refused it (a supplementary package not later than its
    /// original): nothing stored; `field` and `reason` say why.
    case refused(field: String, reason: String)
    /// The database refused this record (its neighbours in the batch still landed).
    case failed(String)
}
