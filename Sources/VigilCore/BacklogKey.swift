#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The backlog order key; the first difference wins:
/// imminent danger (a child reported in immediate danger first, whatever else is known), effective grade (highest first), child access (yes, unknown, no), youngest child age (youngest
/// first, unknown last), received time (oldest first), case id (ascending).
public struct BacklogKey: Sendable, Hashable, Comparable {
    /// True when `imminentDanger` is yes: such a case sorts before every other.
    public var imminentDanger: Bool
    /// Effective grade at the moment of ordering.
    public var effectiveGrade: Grade
    /// The case's child access summary.
    public var childAccess: TriState
    /// The youngest known child's age, nil when unknown.
    public var youngestChildAge: Int?
    /// When the force received the case's first referral.
    public var receivedAt: Date
    /// The case id, for a stable total order.
    public var caseId: CaseID

    /// Creates a key.
    public init(
        imminentDanger: Bool, effectiveGrade: Grade, childAccess: TriState, youngestChildAge: Int?, receivedAt: Date, caseId: CaseID
    ) {
        self.imminentDanger = imminentDanger
        self.effectiveGrade = effectiveGrade
        self.childAccess = childAccess
        self.youngestChildAge = youngestChildAge
        self.receivedAt = receivedAt
        self.caseId = caseId
    }

    /// The value stored for "no known age", larger than any child's age, so unknown sorts last.
    public static let unknownAgeRank = 99

    /// The stored sort value of `imminentDanger`: 0 before 1, so an ascending index puts imminent danger first.
    public static func imminentRank(_ imminentDanger: Bool) -> Int { imminentDanger ? 0 : 1 }

    /// The youngest age as an ascending sort value, unknown last.
    public var youngestAgeRank: Int { youngestChildAge ?? Self.unknownAgeRank }

    public static func < (lhs: BacklogKey, rhs: BacklogKey) -> Bool {
        if lhs.imminentDanger != rhs.imminentDanger { return lhs.imminentDanger }
        if lhs.effectiveGrade != rhs.effectiveGrade { return lhs.effectiveGrade > rhs.effectiveGrade }
        if lhs.childAccess != rhs.childAccess { return lhs.childAccess.backlogRank < rhs.childAccess.backlogRank }
        if lhs.youngestAgeRank != rhs.youngestAgeRank { return lhs.youngestAgeRank < rhs.youngestAgeRank }
        if lhs.receivedAt != rhs.receivedAt { return lhs.receivedAt < rhs.receivedAt }
        return lhs.caseId < rhs.caseId
    }
}
