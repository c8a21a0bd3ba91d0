#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Who must be told now: children's social care, or the Local Authority Designated Officer.
public enum FlagKind: String, Sendable, Codable, CaseIterable {
    case socialCare
    case lado

    /// The call as people name it.
    public var label: String {
        switch self {
        case .socialCare: "Social care"
        case .lado: "LADO"
        }
    }

    /// Whom the call goes to at `moment`: children's social care in working hours, its emergency duty team
    /// outside them; the LADO.
    public func contact(at moment: Date, calendar: WorkingCalendar) -> String {
        switch self {
        case .socialCare: calendar.isWorkingTime(moment) ? "children's social care" : "emergency duty team"
        case .lado: "LADO"
        }
    }
}

/// Where a flag is in its life (`FlagLifecycle`); a grade going down never closes it.
public enum FlagState: String, Sendable, Codable, CaseIterable {
    /// The call is to be made.
    case open
    /// The call was made.
    case notified
    /// A supervisor deferred the call until a review time.
    case deferred
    /// A supervisor withdrew the call, with a reason.
    case withdrawn
}

/// A flag to raise now, and the provenance of what raised it.
public struct FlagRaise: Sendable, Hashable {
    /// Which flag.
    public var kind: FlagKind
    /// What raised it: the referral, or the check whose answer revealed the fact.
    public var raisedBy: Provenance
    /// When it was raised.
    public var raisedAt: Date
    /// When the notification is due.
    public var dueAt: Date
}

/// The social-care and LADO rules.
public enum SafeguardingRules {
    /// The facts that, with a High or Very High grade, require social care to be told now.
    public static let socialCareFacts: [FactKind] = [.childAccessHousehold, .childAccessOther, .identifiedChildVictim]

    /// The flags the case calls for given its grade and facts (whether or not already raised).
    public static func required(grade: Grade, facts: FactSet) -> [FlagKind] {
        var kinds: [FlagKind] = []
        if grade >= .high, socialCareFacts.contains(where: { facts[$0].value == .yes }) {
            kinds.append(.socialCare)
        }
        if facts[.childAccessOccupation].value == .yes {
            kinds.append(.lado)
        }
        return kinds
    }
}
