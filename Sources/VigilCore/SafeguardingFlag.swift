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

/// One call a case calls for: its kind and whom it is about — for social care the household address where
/// children live, for the LADO the subject working with children; nil about when the case names no such
/// household or subject (one call for the case). A case joined across two households makes two calls.
public struct FlagKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which call.
    public var kind: FlagKind
    /// The household address or subject the call is about; nil for the case as a whole.
    public var about: Subject?

    /// Creates a flag key.
    public init(_ kind: FlagKind, about: Subject? = nil) {
        self.kind = kind
        self.about = about
    }

    /// The case's social-care call when it has one only (`FlagLifecycle.choose`), or its case-wide one.
    public static let socialCare = FlagKey(.socialCare)
    /// The case's LADO call when it has one only, or its case-wide one.
    public static let lado = FlagKey(.lado)

    /// The call an officer names: its kind, and the household or subject as typed (`Subject.isNamed(by:)`
    /// matches it), none when `text` is nil or blank.
    public init(_ kind: FlagKind, named text: String?) {
        self.init(kind, about: text.flatMap(CaseOutcome.trimmed).map(Subject.init(rawValue:)))
    }

    /// True when `other` names this call: the same kind, and the same household or subject however spelt
    /// (`Subject.groupKey`).
    public func matches(_ other: FlagKey) -> Bool {
        kind == other.kind && about?.groupKey == other.about?.groupKey
    }

    /// `Social care` or `Social care — 12 Placeholder Close, Sampleford, ZZ1 1AA`, as pages name it.
    public var label: String { kind.label + (about.map { " — \($0.label)" } ?? "") }

    /// `socialCare` or `socialCare for 12 Placeholder Close, Sampleford, ZZ1 1AA`, as messages name it.
    public var description: String { kind.rawValue + (about.map { " for \($0.label)" } ?? "") }
}

/// A flag to raise now, and the provenance of what raised it.
public struct FlagRaise: Sendable, Hashable {
    /// Which flag.
    public var kind: FlagKind
    /// The household address or subject it is about; nil for the case as a whole.
    public var about: Subject?
    /// What raised it: the referral, or the check whose answer revealed the fact.
    public var raisedBy: Provenance
    /// When it was raised.
    public var raisedAt: Date
    /// When the notification is due.
    public var dueAt: Date

    /// The call it raises.
    public var key: FlagKey { FlagKey(kind, about: about) }
}

/// The social-care and LADO rules.
public enum SafeguardingRules {
    /// The facts that, with a High or Very High grade, require social care to be told now.
    public static let socialCareFacts: [FactKind] = [.childAccessHousehold, .childAccessOther, .identifiedChildVictim]

    /// The calls the case makes given its grade, facts and children (whether or not already raised): social
    /// care once per household address where children live (DESIGN.md: each household its own
    /// notification), or once for the case when none is known; the LADO once per subject working with
    /// children, or once for the case when the fact names none. Addresses and subjects spelt two ways are
    /// one (`Subject.groupKey`), named by their first spelling in sort order.
    public static func required(grade: Grade, facts: FactSet, children: [Child]) -> [FlagKey] {
        var keys: [FlagKey] = []
        if grade >= .high, socialCareFacts.contains(where: { facts[$0].value == .yes }) {
            let household = facts[.childAccessHousehold]
            let addresses =
                children.filter { $0.relation == .household }.compactMap(\.about)
                + (household.value == .yes ? household.about : [])
            keys += calls(.socialCare, about: addresses.filter(\.isAddress))
        }
        let occupation = facts[.childAccessOccupation]
        if occupation.value == .yes {
            keys += calls(.lado, about: occupation.about + children.filter { $0.relation == .occupation }.compactMap(\.about))
        }
        return keys
    }

    /// One call of `kind` per distinct subject of `subjects`, or one for the case when there is none.
    private static func calls(_ kind: FlagKind, about subjects: [Subject]) -> [FlagKey] {
        var seen = Set<String>()
        let distinct = subjects.sorted().filter { seen.insert($0.groupKey).inserted }
        return distinct.isEmpty ? [FlagKey(kind)] : distinct.map { FlagKey(kind, about: $0) }
    }

    /// What the calls `required` asks for mean for a case that has already raised `raised`: the flags to
    /// raise, and the case-wide flags to place on a household or subject now known. A call already raised
    /// for the same household or subject is not raised again; a case-wide call raised before the household
    /// was known becomes that household's call (the first in sort order without one), so the call already
    /// made or being made is not made twice; a case-wide call is satisfied by any call of its kind.
    public static func changes(required: [FlagKey], raised: [FlagKey]) -> (raise: [FlagKey], place: [FlagKey]) {
        var raise: [FlagKey] = []
        var place: [FlagKey] = []
        var caseWide = Set(raised.filter { $0.about == nil }.map(\.kind))
        for key in required where !raised.contains(where: key.matches) {
            guard key.about != nil else {
                if !raised.contains(where: { $0.kind == key.kind }) { raise.append(key) }
                continue
            }
            if caseWide.remove(key.kind) != nil {
                place.append(key)
            } else {
                raise.append(key)
            }
        }
        return (raise, place)
    }
}
