#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// One cell of the aged-backlog matrix: open cases of an effective grade that have waited a band.
public struct AgedBacklogCell: Sendable, Hashable, Codable {
    /// The row: the effective grade.
    public var effectiveGrade: Grade
    /// The column: how long the cases have waited since the force received them.
    public var band: WaitingBand
    /// Open cases in the cell.
    public var cases: Int
    /// Of those, the cases past their grade's target.
    public var overdue: Int

    /// Creates a cell.
    public init(effectiveGrade: Grade, band: WaitingBand, cases: Int, overdue: Int) {
        self.effectiveGrade = effectiveGrade
        self.band = band
        self.cases = cases
        self.overdue = overdue
    }

    private enum CodingKeys: String, CodingKey { case effectiveGrade, band, cases, overdue }

    /// Encodes the band by its name (`7-14d`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(effectiveGrade, forKey: .effectiveGrade)
        try container.encode(band.name, forKey: .band)
        try container.encode(cases, forKey: .cases)
        try container.encode(overdue, forKey: .overdue)
    }

    /// Decodes what `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        effectiveGrade = try container.decode(Grade.self, forKey: .effectiveGrade)
        let name = try container.decode(String.self, forKey: .band)
        guard let band = WaitingBand(name: name) else {
            throw DecodingError.dataCorruptedError(forKey: .band, in: container, debugDescription: "unknown band \(name)")
        }
        self.band = band
        cases = try container.decode(Int.self, forKey: .cases)
        overdue = try container.decode(Int.self, forKey: .overdue)
    }
}

/// The aged backlog: every effective grade × waiting band, empty cells included, highest grade first.
public struct AgedBacklog: Sendable, Hashable, Codable {
    /// The moment waiting and overdue were judged at.
    public var asOf: Date
    /// Very High's seven bands, then High's, Medium's and Low's.
    public var cells: [AgedBacklogCell]

    /// A matrix from counted cells; cells not given are zero.
    public init(asOf: Date, counted: [AgedBacklogCell]) {
        self.asOf = asOf
        cells = Grade.allCases.reversed().flatMap { grade in
            WaitingBand.allCases.map { band in
                counted.first { $0.effectiveGrade == grade && $0.band == band }
                    ?? AgedBacklogCell(effectiveGrade: grade, band: band, cases: 0, overdue: 0)
            }
        }
    }

    /// The cell of a grade and band.
    public func cell(_ grade: Grade, _ band: WaitingBand) -> AgedBacklogCell {
        cells.first { $0.effectiveGrade == grade && $0.band == band }
            ?? AgedBacklogCell(effectiveGrade: grade, band: band, cases: 0, overdue: 0)
    }

    /// Open cases in all cells.
    public var total: Int { cells.reduce(0) { $0 + $1.cases } }
}

/// A case in one of the dashboard's lists.
public struct CaseLine: Sendable, Hashable, Codable {
    /// The case.
    public var caseId: CaseID
    /// Its grade.
    public var grade: Grade
    /// Its effective grade at the overview's moment.
    public var effectiveGrade: Grade
    /// Whether its grade is provisional (research running or incomplete).
    public var provisional: Bool
    /// Whether some of its checks failed for good: research incomplete.
    public var researchIncomplete: Bool
    /// When the force received its first referral.
    public var receivedAt: Date
    /// When its grade's target runs out.
    public var dueAt: Date
    /// Whether the target has passed.
    public var overdue: Bool
    /// Who holds it, if anyone.
    public var claimedBy: String?
    /// Since when they hold it.
    public var claimedAt: Date?

    /// Creates a line.
    public init(
        caseId: CaseID, grade: Grade, effectiveGrade: Grade, provisional: Bool, researchIncomplete: Bool, receivedAt: Date, dueAt: Date,
        overdue: Bool, claimedBy: String?, claimedAt: Date?
    ) {
        self.caseId = caseId
        self.grade = grade
        self.effectiveGrade = effectiveGrade
        self.provisional = provisional
        self.researchIncomplete = researchIncomplete
        self.receivedAt = receivedAt
        self.dueAt = dueAt
        self.overdue = overdue
        self.claimedBy = claimedBy
        self.claimedAt = claimedAt
    }
}

/// A call to make now: an open social-care or LADO flag (or a deferred one past its review), on an open
/// case or on one a supervisor closed past it, with what the calls list shows of its case.
public struct OpenFlagLine: Sendable, Hashable, Codable {
    /// The case.
    public var caseId: CaseID
    /// Social care or LADO.
    public var kind: FlagKind
    /// The household address or subject the call is about; nil for a case-wide call.
    public var about: Subject?
    /// When Vigil learnt the fact that raised it.
    public var raisedAt: Date
    /// When the call must have been made (for a deferral past its review, the review time).
    public var dueAt: Date
    /// True when the due time has passed.
    public var overdue: Bool
    /// Who holds the case; nil when it is unclaimed and the call belongs to the supervisors.
    public var claimedBy: String?
    /// True when the case was closed by a supervisor's override with this call still to make.
    public var caseClosed: Bool
    /// The case's effective grade.
    public var grade: Grade
    /// True when a source reports a child in immediate danger.
    public var imminentDanger: Bool
    /// The case's child-access summary.
    public var childAccess: TriState
    /// The youngest known child's age.
    public var youngestChildAge: Int?
    /// When the force received the case's first referral.
    public var receivedAt: Date
    /// Whom to call at the listing's moment (`FlagKind.contact`): the emergency duty team out of hours.
    public var contact: String

    /// Creates the value from its parts.
    public init(
        caseId: CaseID, flag: FlagKey, raisedAt: Date, dueAt: Date, overdue: Bool, claimedBy: String?, caseClosed: Bool, grade: Grade,
        imminentDanger: Bool, childAccess: TriState, youngestChildAge: Int?, receivedAt: Date, contact: String
    ) {
        self.caseId = caseId
        self.kind = flag.kind
        self.about = flag.about
        self.raisedAt = raisedAt
        self.dueAt = dueAt
        self.overdue = overdue
        self.claimedBy = claimedBy
        self.caseClosed = caseClosed
        self.grade = grade
        self.imminentDanger = imminentDanger
        self.childAccess = childAccess
        self.youngestChildAge = youngestChildAge
        self.receivedAt = receivedAt
        self.contact = contact
    }

    /// The call it is.
    public var key: FlagKey { FlagKey(kind, about: about) }

    /// Who owns the call: the case's holder, or the supervisors' queue while the case is unclaimed.
    public var owner: String { claimedBy ?? "supervisors" }

    /// The line's place in the calls list (`CallOrder`).
    public var order: CallOrder {
        CallOrder(
            overdue: overdue, dueAt: dueAt,
            backlog: BacklogKey(
                imminentDanger: imminentDanger, effectiveGrade: grade, childAccess: childAccess, youngestChildAge: youngestChildAge,
                receivedAt: receivedAt, caseId: caseId))
    }

    private enum CodingKeys: String, CodingKey {
        case caseId, kind, about, raisedAt, dueAt, overdue, claimedBy, caseClosed, grade, imminentDanger, childAccess, youngestChildAge
        case receivedAt, contact, owner
    }

    /// Encodes the line with its owner.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(caseId, forKey: .caseId)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(about, forKey: .about)
        try container.encode(raisedAt, forKey: .raisedAt)
        try container.encode(dueAt, forKey: .dueAt)
        try container.encode(overdue, forKey: .overdue)
        try container.encodeIfPresent(claimedBy, forKey: .claimedBy)
        try container.encode(caseClosed, forKey: .caseClosed)
        try container.encode(grade, forKey: .grade)
        try container.encode(imminentDanger, forKey: .imminentDanger)
        try container.encode(childAccess, forKey: .childAccess)
        try container.encodeIfPresent(youngestChildAge, forKey: .youngestChildAge)
        try container.encode(receivedAt, forKey: .receivedAt)
        try container.encode(contact, forKey: .contact)
        try container.encode(owner, forKey: .owner)
    }

    /// Decodes what `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            caseId: try container.decode(CaseID.self, forKey: .caseId),
            flag: FlagKey(try container.decode(FlagKind.self, forKey: .kind), about: try container.decodeIfPresent(Subject.self, forKey: .about)),
            raisedAt: try container.decode(Date.self, forKey: .raisedAt), dueAt: try container.decode(Date.self, forKey: .dueAt),
            overdue: try container.decode(Bool.self, forKey: .overdue), claimedBy: try container.decodeIfPresent(String.self, forKey: .claimedBy),
            caseClosed: try container.decode(Bool.self, forKey: .caseClosed), grade: try container.decode(Grade.self, forKey: .grade),
            imminentDanger: try container.decode(Bool.self, forKey: .imminentDanger),
            childAccess: try container.decode(TriState.self, forKey: .childAccess),
            youngestChildAge: try container.decodeIfPresent(Int.self, forKey: .youngestChildAge),
            receivedAt: try container.decode(Date.self, forKey: .receivedAt), contact: try container.decode(String.self, forKey: .contact))
    }
}

/// A Very High case with child access whose strategy discussion is overdue: none recorded within
/// `StrategyRules.window` of its first flag.
public struct StrategyLine: Sendable, Hashable, Codable {
    /// The case.
    public var caseId: CaseID
    /// When its first flag was raised.
    public var flaggedAt: Date
    /// When the discussion was due.
    public var dueAt: Date
    /// Who holds the case.
    public var claimedBy: String?

    /// Creates the value from its parts.
    public init(caseId: CaseID, flaggedAt: Date, dueAt: Date, claimedBy: String?) {
        self.caseId = caseId
        self.flaggedAt = flaggedAt
        self.dueAt = dueAt
        self.claimedBy = claimedBy
    }
}

/// The calls list at a moment (`vigil flags --json`, `GET /api/v1/flags`).
public struct CallListing: Sendable, Hashable, Codable {
    /// The moment due and overdue were judged at.
    public var asOf: Date
    /// Every call to make, in `CallOrder`.
    public var calls: [OpenFlagLine]

    /// Creates a listing.
    public init(asOf: Date, calls: [OpenFlagLine]) {
        self.asOf = asOf
        self.calls = calls
    }
}

/// A deferred flag with the supervisor's decision.
public struct DeferralLine: Sendable, Hashable, Codable {
    /// The case.
    public var caseId: CaseID
    /// The deferred flag.
    public var kind: FlagKind
    /// The household address or subject of the deferred flag; nil for a case-wide one.
    public var about: Subject?
    /// The supervisor who deferred it.
    public var by: String
    /// When.
    public var at: Date
    /// Why (e.g. risk of tipping off).
    public var reason: String
    /// When the deferral must be looked at again.
    public var reviewBy: Date

    /// Creates the value from its parts.
    public init(caseId: CaseID, flag: FlagKey, by: String, at: Date, reason: String, reviewBy: Date) {
        self.caseId = caseId
        self.kind = flag.kind
        self.about = flag.about
        self.by = by
        self.at = at
        self.reason = reason
        self.reviewBy = reviewBy
    }
}

/// What the supervisor's dashboard shows, read in one transaction so its figures agree.
public struct SupervisorOverview: Sendable {
    /// The aged-backlog matrix.
    public var aged: AgedBacklog
    /// Calls to make, in `CallOrder` (at most the overview's limit).
    public var openFlags: [OpenFlagLine]
    /// All calls to make.
    public var openFlagCount: Int
    /// Deferred flags of open cases, soonest review first.
    public var deferrals: [DeferralLine]
    /// The longest-waiting open cases.
    public var oldest: [CaseLine]
    /// Overdue Very High and High cases, longest overdue first (at most the overview's limit).
    public var overdueUrgent: [CaseLine]
    /// All overdue Very High and High cases.
    public var overdueUrgentCount: Int
    /// Held cases, by holder then longest held first.
    public var held: [CaseLine]
    /// Checks not yet done (pending, running, failed) by source and state.
    public var checks: [String: [CheckState: Int]]
    /// Sources failing now (checks waiting to retry after an error), by source name.
    public var failingSources: [SourceTrouble]
    /// Very High cases with child access and no strategy discussion within 24 h of their first flag,
    /// longest overdue first.
    public var strategyOverdue: [StrategyLine]
    /// Alerts by delivery state.
    public var alerts: [AlertState: Int]
    /// The newest failed alerts (at most the overview's limit).
    public var failedAlerts: [AlertRecord]

    /// Creates the value from its parts.
    public init(
        aged: AgedBacklog, openFlags: [OpenFlagLine], openFlagCount: Int, deferrals: [DeferralLine], oldest: [CaseLine], overdueUrgent: [CaseLine],
        overdueUrgentCount: Int, held: [CaseLine], checks: [String: [CheckState: Int]], failingSources: [SourceTrouble],
        strategyOverdue: [StrategyLine], alerts: [AlertState: Int], failedAlerts: [AlertRecord]
    ) {
        self.aged = aged
        self.openFlags = openFlags
        self.openFlagCount = openFlagCount
        self.deferrals = deferrals
        self.oldest = oldest
        self.overdueUrgent = overdueUrgent
        self.overdueUrgentCount = overdueUrgentCount
        self.held = held
        self.checks = checks
        self.failingSources = failingSources
        self.strategyOverdue = strategyOverdue
        self.alerts = alerts
        self.failedAlerts = failedAlerts
    }
}

/// One day of the backlog's history (UTC days).
public struct DailySnapshot: Sendable, Hashable, Codable {
    /// The day, `YYYY-MM-DD`.
    public var day: String
    /// Open cases at the end of the day (or when taken, for today), by effective grade.
    public var open: [Grade: Int]
    /// Referrals the force received that day.
    public var referralsIn: Int
    /// Cases closed that day.
    public var closed: Int
    /// Whether the figures were rebuilt later from the cases' history rather than recorded on the day
    /// (the open counts then use each case's current grade).
    public var reconstructed: Bool

    /// Creates a snapshot.
    public init(day: String, open: [Grade: Int], referralsIn: Int, closed: Int, reconstructed: Bool) {
        self.day = day
        self.open = open
        self.referralsIn = referralsIn
        self.closed = closed
        self.reconstructed = reconstructed
    }
}
