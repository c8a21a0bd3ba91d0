#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// A referral of a case as `vigil show` prints it, its payload verbatim.
public struct ReferralRecord: Sendable, Hashable, Codable {
    /// `nca` or `p2p`.
    public var source: ReferralSource
    /// The referral's ref.
    public var ref: String
    /// When the force received it.
    public var receivedAt: Date
    /// When Vigil stored it.
    public var importedAt: Date
    /// The payload exactly as received.
    public var payload: String
    /// The package it supplements, nil for an ordinary referral.
    public var supplements: String?

    /// Creates the value from its parts.
    public init(source: ReferralSource, ref: String, receivedAt: Date, importedAt: Date, payload: String, supplements: String? = nil) {
        self.source = source
        self.ref = ref
        self.receivedAt = receivedAt
        self.importedAt = importedAt
        self.payload = payload
        self.supplements = supplements
    }
}

/// A fact of a case: its combined value and the sources that support it.
public struct FactRecord: Sendable, Hashable, Codable {
    /// The fact.
    public var fact: FactKind
    /// Combined value.
    public var value: TriState
    /// Sources that said the winning value.
    public var provenance: [Provenance]
    /// Whom or where they said it of.
    public var about: [Subject]

    /// Creates the value from its parts.
    public init(fact: FactKind, value: TriState, provenance: [Provenance], about: [Subject] = []) {
        self.fact = fact
        self.value = value
        self.provenance = provenance
        self.about = about
    }

    /// The record of a combined fact.
    public init(_ fact: FactKind, _ combined: CombinedFact) {
        self.init(fact: fact, value: combined.value, provenance: combined.provenance, about: combined.about)
    }

    /// The combined fact it records.
    public var combined: CombinedFact { CombinedFact(value: value, provenance: provenance, about: about) }
}

/// A stored assessment (FORMATS.md §6: grade, policy, path, provisional, pendingChecks, at).
public struct AssessmentRecord: Sendable, Hashable, Codable {
    /// The grade.
    public var grade: Grade
    /// The policy id.
    public var policy: String
    /// The tree path.
    public var path: String
    /// Research outstanding at the time.
    public var provisional: Bool
    /// Sources of the outstanding checks.
    public var pendingChecks: [String]
    /// What changed the case (referral, check, officer).
    public var trigger: Provenance
    /// When.
    public var at: Date

    /// Creates the value from its parts.
    public init(grade: Grade, policy: String, path: String, provisional: Bool, pendingChecks: [String], trigger: Provenance, at: Date) {
        self.grade = grade
        self.policy = policy
        self.path = path
        self.provisional = provisional
        self.pendingChecks = pendingChecks
        self.trigger = trigger
        self.at = at
    }
}

/// An intelligence check of a case.
public struct CheckRecord: Sendable, Hashable, Codable {
    /// The check's id.
    public var id: Int64
    /// The case it researches.
    public var caseId: CaseID
    /// The source asked.
    public var source: String
    /// `pending`, `running`, `done` or `failed`.
    public var state: CheckState
    /// Attempts started so far.
    public var attempts: Int
    /// The last attempt's error, if any.
    public var lastError: String?
    /// The query sent, as JSON text.
    public var query: String
    /// When the next attempt may start (pending checks).
    public var nextAttemptAt: Date?
    /// A one-line summary of the answer (done checks).
    public var summary: String?

    /// Creates the value from its parts.
    public init(
        id: Int64, caseId: CaseID, source: String, state: CheckState, attempts: Int, lastError: String?, query: String, nextAttemptAt: Date?,
        summary: String?
    ) {
        self.id = id
        self.caseId = caseId
        self.source = source
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.query = query
        self.nextAttemptAt = nextAttemptAt
        self.summary = summary
    }

    private enum CodingKeys: String, CodingKey {
        case id, caseId, source, state, attempts, lastError, query, nextAttemptAt, summary
    }

    /// Encodes with explicit `null`s.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(caseId, forKey: .caseId)
        try container.encode(source, forKey: .source)
        try container.encode(state, forKey: .state)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(query, forKey: .query)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(summary, forKey: .summary)
    }
}

/// A claim of a case by an investigator.
public struct ClaimRecord: Sendable, Hashable, Codable {
    /// Who claimed it.
    public var officer: String
    /// When.
    public var claimedAt: Date
    /// When it was released, if it was.
    public var releasedAt: Date?

    /// Creates the value from its parts.
    public init(officer: String, claimedAt: Date, releasedAt: Date?) {
        self.officer = officer
        self.claimedAt = claimedAt
        self.releasedAt = releasedAt
    }
}

/// A recorded decision: a deferral of a flag, the case's closure, or a decision with its rationale.
public struct DecisionRecord: Sendable, Hashable, Codable {
    /// `defer`, `close`, or the decision recorded (e.g. `visit`).
    public var kind: String
    /// Who decided.
    public var by: String
    /// When.
    public var at: Date
    /// The flag a deferral or withdrawal concerns.
    public var flag: FlagKind?
    /// The household address or subject of that flag; nil for a case-wide one.
    public var flagAbout: Subject?
    /// The flag a deferral or withdrawal concerns, with its household or subject.
    public var flagKey: FlagKey? { flag.map { FlagKey($0, about: flagAbout) } }
    /// Reason (deferral), outcome (closure) or rationale (decision).
    public var detail: String
    /// When a deferral must be reviewed.
    public var reviewBy: Date?

    /// Creates the value from its parts.
    public init(kind: String, by: String, at: Date, flag: FlagKey?, detail: String, reviewBy: Date?) {
        self.kind = kind
        self.flagAbout = flag?.about
        self.by = by
        self.at = at
        self.flag = flag?.kind
        self.detail = detail
        self.reviewBy = reviewBy
    }
}

/// A recorded notification of social care or the LADO.
public struct NotificationRecord: Sendable, Hashable, Codable {
    /// Which flag it closes.
    public var flag: FlagKind
    /// The household address or subject of that flag; nil for a case-wide one.
    public var flagAbout: Subject?
    /// The flag it closes, with its household or subject.
    public var flagKey: FlagKey { FlagKey(flag, about: flagAbout) }
    /// Who notified.
    public var by: String
    /// When.
    public var at: Date
    /// How (phone, email, strategy meeting …).
    public var method: String
    /// The receiving agency's reference.
    public var reference: String

    /// Creates the value from its parts.
    public init(flag: FlagKey, by: String, at: Date, method: String, reference: String) {
        self.flag = flag.kind
        self.flagAbout = flag.about
        self.by = by
        self.at = at
        self.method = method
        self.reference = reference
    }
}

/// A strategy discussion as recorded on a case.
public struct StrategyRecord: Sendable, Hashable, Codable {
    /// What was discussed and decided.
    public var discussion: StrategyDiscussion
    /// Who recorded it.
    public var by: String
    /// When it was recorded.
    public var recordedAt: Date

    /// Creates the value from its parts.
    public init(discussion: StrategyDiscussion, by: String, recordedAt: Date) {
        self.discussion = discussion
        self.by = by
        self.recordedAt = recordedAt
    }
}

/// Everything known about one case (`vigil show`).
public struct CaseDetail: Sendable, Codable {
    /// The case as the backlog shows it.
    public var summary: BacklogEntry
    /// `open` or `closed`.
    public var status: String
    /// Its referrals.
    public var referrals: [ReferralRecord]
    /// Every fact, combined.
    public var facts: [FactRecord]
    /// Children known to the case.
    public var children: [Child]
    /// Assessment history, oldest first.
    public var assessments: [AssessmentRecord]
    /// Intelligence checks.
    public var checks: [CheckRecord]
    /// Claims, oldest first.
    public var claims: [ClaimRecord]
    /// Deferrals and closure.
    public var decisions: [DecisionRecord]
    /// Notifications.
    public var notifications: [NotificationRecord]
    /// Strategy discussions, in the order they were held.
    public var strategyDiscussions: [StrategyRecord]
    /// Closed cases of the same subject when this one opened, most recently closed first.
    public var previousCases: [PreviousCase]
    /// The addresses sources resolved, one per place, with who gave each.
    public var addresses: [AddressStanding]

    /// Creates the value from its parts.
    public init(
        summary: BacklogEntry, status: String, referrals: [ReferralRecord], facts: [FactRecord], children: [Child], assessments: [AssessmentRecord],
        checks: [CheckRecord], claims: [ClaimRecord], decisions: [DecisionRecord], notifications: [NotificationRecord],
        strategyDiscussions: [StrategyRecord], previousCases: [PreviousCase] = [], addresses: [AddressStanding] = []
    ) {
        self.summary = summary
        self.status = status
        self.referrals = referrals
        self.facts = facts
        self.children = children
        self.assessments = assessments
        self.checks = checks
        self.claims = claims
        self.decisions = decisions
        self.notifications = notifications
        self.strategyDiscussions = strategyDiscussions
        self.previousCases = previousCases
        self.addresses = addresses
    }

    /// The children known to the case, each once: `KnownChild.merge` of every source's children.
    public var knownChildren: [KnownChild] { KnownChild.merge(children) }

    private enum CodingKeys: String, CodingKey {
        case status, referrals, facts, children, assessments, checks, claims, decisions, notifications, strategyDiscussions, previousCases,
            addresses, knownChildren
    }

    /// Encodes the summary's fields and the detail side by side in one object.
    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(referrals, forKey: .referrals)
        try container.encode(facts, forKey: .facts)
        try container.encode(children, forKey: .children)
        try container.encode(assessments, forKey: .assessments)
        try container.encode(checks, forKey: .checks)
        try container.encode(claims, forKey: .claims)
        try container.encode(decisions, forKey: .decisions)
        try container.encode(notifications, forKey: .notifications)
        try container.encode(strategyDiscussions, forKey: .strategyDiscussions)
        try container.encode(previousCases, forKey: .previousCases)
        try container.encode(addresses, forKey: .addresses)
        try container.encode(knownChildren, forKey: .knownChildren)
    }
}

extension CaseDetail {
    /// Decodes what `encode(to:)` writes: the summary's fields and the detail side by side.
    public init(from decoder: any Decoder) throws {
        summary = try BacklogEntry(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(String.self, forKey: .status)
        referrals = try container.decode([ReferralRecord].self, forKey: .referrals)
        facts = try container.decode([FactRecord].self, forKey: .facts)
        children = try container.decode([Child].self, forKey: .children)
        assessments = try container.decode([AssessmentRecord].self, forKey: .assessments)
        checks = try container.decode([CheckRecord].self, forKey: .checks)
        claims = try container.decode([ClaimRecord].self, forKey: .claims)
        decisions = try container.decode([DecisionRecord].self, forKey: .decisions)
        notifications = try container.decode([NotificationRecord].self, forKey: .notifications)
        strategyDiscussions = try container.decode([StrategyRecord].self, forKey: .strategyDiscussions)
        previousCases = try container.decodeIfPresent([PreviousCase].self, forKey: .previousCases) ?? []
        addresses = try container.decodeIfPresent([AddressStanding].self, forKey: .addresses) ?? []
    }
}
