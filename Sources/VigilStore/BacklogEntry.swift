#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// A safeguarding flag as the backlog and case views show it.
public struct FlagSummary: Sendable, Hashable, Codable {
    /// Social care or LADO.
    public var kind: FlagKind
    /// Open, notified or deferred.
    public var state: FlagState
    /// When it was raised.
    public var raisedAt: Date
    /// When the notification is due.
    public var dueAt: Date
    /// Open and past due at the view's moment.
    public var overdue: Bool
    /// What raised it (the referral, or the check that revealed the fact).
    public var raisedBy: Provenance
    /// The household address or subject the call is about; nil for a case-wide call.
    public var about: Subject?

    /// The call it is.
    public var key: FlagKey { FlagKey(kind, about: about) }

    /// Creates a flag summary.
    public init(kind: FlagKind, state: FlagState, raisedAt: Date, dueAt: Date, overdue: Bool, raisedBy: Provenance, about: Subject?) {
        self.kind = kind
        self.about = about
        self.state = state
        self.raisedAt = raisedAt
        self.dueAt = dueAt
        self.overdue = overdue
        self.raisedBy = raisedBy
    }
}

/// One open case as the backlog lists it (FORMATS.md §6).
public struct BacklogEntry: Sendable, Hashable, Codable {
    /// 1-based position in the backlog listing; nil for a closed case.
    public var position: Int?
    /// The case.
    public var caseId: CaseID
    /// Refs of the case's referrals.
    public var refs: [String]
    /// The latest assessment's grade.
    public var grade: Grade
    /// The grade after ageing at the view's moment.
    public var effectiveGrade: Grade
    /// True while research is outstanding.
    public var provisional: Bool
    /// True when a child is reported in immediate danger: the case is first in the backlog.
    public var imminentDanger: Bool
    /// The child-access summary.
    public var childAccess: TriState
    /// The youngest known child's age.
    public var youngestChildAge: Int?
    /// Received time of the case's first referral.
    public var receivedAt: Date
    /// When the case must be actioned under its grade's target.
    public var dueAt: Date
    /// Past `dueAt` at the view's moment.
    public var overdue: Bool
    /// The investigator holding the case, if any.
    public var claimedBy: String?
    /// The case's safeguarding flags.
    public var flags: [FlagSummary]
    /// Sources whose checks failed for good: research incomplete, so the grade stays provisional.
    public var researchFailed: [String]

    /// Creates an entry.
    public init(
        position: Int?, caseId: CaseID, refs: [String], grade: Grade, effectiveGrade: Grade, provisional: Bool,
        imminentDanger: Bool, childAccess: TriState, youngestChildAge: Int?, receivedAt: Date, dueAt: Date, overdue: Bool,
        claimedBy: String?, flags: [FlagSummary], researchFailed: [String] = []
    ) {
        self.position = position
        self.caseId = caseId
        self.refs = refs
        self.grade = grade
        self.effectiveGrade = effectiveGrade
        self.provisional = provisional
        self.imminentDanger = imminentDanger
        self.childAccess = childAccess
        self.youngestChildAge = youngestChildAge
        self.receivedAt = receivedAt
        self.dueAt = dueAt
        self.overdue = overdue
        self.claimedBy = claimedBy
        self.flags = flags
        self.researchFailed = researchFailed
    }

    /// The entry's order key.
    public var backlogKey: BacklogKey {
        BacklogKey(
            imminentDanger: imminentDanger, effectiveGrade: effectiveGrade, childAccess: childAccess, youngestChildAge: youngestChildAge,
            receivedAt: receivedAt, caseId: caseId)
    }

    private enum CodingKeys: String, CodingKey {
        case position, caseId, refs, grade, effectiveGrade, provisional, imminentDanger, childAccess, youngestChildAge, receivedAt,
            dueAt, overdue, claimedBy, flags, researchFailed
    }

    /// Encodes with explicit `null`s, as FORMATS.md §6 shows them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(caseId, forKey: .caseId)
        try container.encode(refs, forKey: .refs)
        try container.encode(grade, forKey: .grade)
        try container.encode(effectiveGrade, forKey: .effectiveGrade)
        try container.encode(provisional, forKey: .provisional)
        try container.encode(imminentDanger, forKey: .imminentDanger)
        try container.encode(childAccess, forKey: .childAccess)
        try container.encode(youngestChildAge, forKey: .youngestChildAge)
        try container.encode(receivedAt, forKey: .receivedAt)
        try container.encode(dueAt, forKey: .dueAt)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(claimedBy, forKey: .claimedBy)
        try container.encode(flags, forKey: .flags)
        try container.encode(researchFailed, forKey: .researchFailed)
    }

    /// Decodes what `encode(to:)` writes (the CLI reads the API's answers with it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        position = try container.decodeIfPresent(Int.self, forKey: .position)
        caseId = try container.decode(CaseID.self, forKey: .caseId)
        refs = try container.decode([String].self, forKey: .refs)
        grade = try container.decode(Grade.self, forKey: .grade)
        effectiveGrade = try container.decode(Grade.self, forKey: .effectiveGrade)
        provisional = try container.decode(Bool.self, forKey: .provisional)
        imminentDanger = try container.decodeIfPresent(Bool.self, forKey: .imminentDanger) ?? false
        childAccess = try container.decode(TriState.self, forKey: .childAccess)
        youngestChildAge = try container.decodeIfPresent(Int.self, forKey: .youngestChildAge)
        receivedAt = try container.decode(Date.self, forKey: .receivedAt)
        dueAt = try container.decode(Date.self, forKey: .dueAt)
        overdue = try container.decode(Bool.self, forKey: .overdue)
        claimedBy = try container.decodeIfPresent(String.self, forKey: .claimedBy)
        flags = try container.decode([FlagSummary].self, forKey: .flags)
        researchFailed = try container.decodeIfPresent([String].self, forKey: .researchFailed) ?? []
    }
}
