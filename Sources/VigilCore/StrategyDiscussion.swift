#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What a strategy discussion decided (Working Together to Safeguard Children's three outcomes).
public enum StrategyOutcome: String, Sendable, Codable, CaseIterable {
    /// Police and children's social care investigate together (a section 47 enquiry with a criminal one).
    case jointInvestigation = "joint-investigation"
    /// One agency acts alone.
    case singleAgency = "single-agency"
    /// No agency takes further action.
    case noFurtherAction = "no-further-action"
}

/// A strategy discussion between the police and other agencies about a case: when it was held, who took
/// part, what it decided and a note.
public struct StrategyDiscussion: Sendable, Hashable, Codable {
    /// When it was held.
    public var heldAt: Date
    /// The agencies or people who took part (`social care`, `health`, …).
    public var attendees: [String]
    /// What it decided.
    public var outcome: StrategyOutcome
    /// Free-text detail.
    public var note: String

    /// A discussion from its stored parts.
    public init(heldAt: Date, attendees: [String], outcome: StrategyOutcome, note: String) {
        self.heldAt = heldAt
        self.attendees = attendees
        self.outcome = outcome
        self.note = note
    }

    /// A discussion from a person's input at `now`: `with` is a comma-separated list of who took part (at
    /// least one), `outcome` one of `StrategyOutcome`'s names, and `heldAt` not in the future.
    public init(heldAt: Date, with: String, outcome: String, note: String, now: Date) throws(StrategyDiscussionError) {
        let attendees = with.split(separator: ",").compactMap { CaseOutcome.trimmed(String($0)) }
        guard !attendees.isEmpty else { throw StrategyDiscussionError("say who took part (--with \"social care, health\")") }
        guard let decided = StrategyOutcome(rawValue: outcome) else {
            throw StrategyDiscussionError(
                "outcome '\(outcome)' is not one of \(StrategyOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard heldAt <= now.addingTimeInterval(Self.clockSkew) else {
            throw StrategyDiscussionError("a strategy discussion is recorded after it is held (held at \(Timestamp.format(heldAt)) is in the future)")
        }
        self.init(heldAt: heldAt, attendees: attendees, outcome: decided, note: CaseOutcome.trimmed(note) ?? "")
    }

    /// How far ahead of the recording clock a stated time may be: five minutes of clock difference.
    static let clockSkew: TimeInterval = 300
}

/// Why a strategy discussion was refused.
public struct StrategyDiscussionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for people.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// When a case calls for a strategy discussion.
public enum StrategyRules {
    /// Time from a case's first safeguarding flag to the strategy discussion it calls for: 24 hours.
    public static let window: TimeInterval = 86_400

    /// True when a case graded `grade` with child access `childAccess` calls for a strategy discussion
    /// once it has a flag: Very High with child access.
    public static func required(grade: Grade, childAccess: TriState) -> Bool {
        grade == .veryHigh && childAccess == .yes
    }
}
