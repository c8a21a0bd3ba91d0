#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An event that calls for people to act now (DESIGN.md, "Social-care and LADO flags").
public enum AlertKind: String, Sendable, Codable, CaseIterable {
    /// The case was graded Very High for the first time.
    case veryHigh = "case.very-high"
    /// A source reports a child in immediate danger.
    case imminentDanger = "case.imminent-danger"
    /// A social-care or LADO flag was raised.
    case flagRaised = "flag.raised"
    /// A flag's call was not made by its due time.
    case flagOverdue = "flag.overdue"
    /// A deferred flag's review time passed: the call is to be made again.
    case reviewPassed = "flag.review-passed"
}

/// An alert, as written with the event that calls for it and as delivered to webhooks.
public struct Alert: Sendable, Hashable, Codable {
    /// The stable id a receiver drops repeats by: one event always gives the same id, and a store keeps
    /// one alert per id, so re-grading a Very High case or sweeping an overdue flag twice alerts once.
    public var alertId: String
    /// What happened.
    public var kind: AlertKind
    /// The case.
    public var caseId: CaseID
    /// The case's grade when the alert was written.
    public var grade: Grade
    /// The flag, for flag alerts.
    public var flag: FlagKind?
    /// The household or subject the flag is about, as its `Subject.reference` (no name or address leaves
    /// Vigil in an alert); nil for a case-wide flag and for case alerts.
    public var flagRef: String?
    /// The flag's due time (its review time for a passed review), for flag alerts.
    public var dueAt: Date?
    /// When the event happened and the alert was written.
    public var raisedAt: Date
    /// One sentence for people.
    public var message: String

    /// Creates an alert; its id and message follow from the rest.
    public init(kind: AlertKind, caseId: CaseID, grade: Grade, flag: FlagKey? = nil, dueAt: Date? = nil, raisedAt: Date) {
        self.kind = kind
        self.caseId = caseId
        self.grade = grade
        self.flag = flag?.kind
        self.flagRef = flag?.about?.reference
        self.dueAt = dueAt
        self.raisedAt = raisedAt
        var id = "\(caseId)/\(kind.rawValue)"
        if let flag { id += "/\(flag.kind.rawValue)" + (flagRef.map { "/\($0)" } ?? "") }
        if kind == .flagOverdue || kind == .reviewPassed, let dueAt { id += "/\(Timestamp.format(dueAt))" }
        alertId = id
        message = Self.message(kind, caseId: caseId, grade: grade, flag: flag, dueAt: dueAt)
    }

    private static func message(_ kind: AlertKind, caseId: CaseID, grade: Grade, flag: FlagKey?, dueAt: Date?) -> String {
        let call =
            flag.map { "\($0.kind.label) call" + ($0.about.map { " for \($0.isAddress ? "household" : "subject") \($0.reference)" } ?? "") } ?? "call"
        let due = dueAt.map { " due \(Timestamp.format($0))" } ?? ""
        switch kind {
        case .veryHigh: return "\(caseId) is graded Very High: claim it now."
        case .imminentDanger: return "\(caseId) reports a child in immediate danger: it is first in the backlog."
        case .flagRaised: return "\(caseId) (\(grade.label)): \(call) raised,\(due)."
        case .flagOverdue: return "\(caseId) (\(grade.label)): \(call) overdue,\(due)."
        case .reviewPassed:
            return "\(caseId) (\(grade.label)): the deferred \(call) passed its review at \(dueAt.map(Timestamp.format) ?? "?"); make it now."
        }
    }
}

/// Which alerts an event calls for.
public enum AlertRules {
    /// The alerts a case's re-assessment at `now` calls for: Very High, imminent danger, each flag it raises.
    /// A store writes each once (by `alertId`), so these may be asked for at every re-assessment.
    public static func alerts(for evaluation: CaseEvaluation, caseId: CaseID, now: Date) -> [Alert] {
        let grade = evaluation.assessment.grade
        var alerts: [Alert] = []
        if grade == .veryHigh { alerts.append(Alert(kind: .veryHigh, caseId: caseId, grade: grade, raisedAt: now)) }
        if evaluation.imminentDanger { alerts.append(Alert(kind: .imminentDanger, caseId: caseId, grade: grade, raisedAt: now)) }
        for flag in evaluation.flagsToRaise {
            alerts.append(Alert(kind: .flagRaised, caseId: caseId, grade: grade, flag: flag.key, dueAt: flag.dueAt, raisedAt: now))
        }
        return alerts
    }

    /// The alert a stored flag calls for at `asOf`: overdue once an open flag's due time has passed, review
    /// passed once a deferred flag's review time has; nil otherwise.
    public static func timed(flag: FlagKey, state: FlagState, dueAt: Date, caseId: CaseID, grade: Grade, asOf: Date) -> Alert? {
        switch state {
        case .open where asOf > dueAt:
            Alert(kind: .flagOverdue, caseId: caseId, grade: grade, flag: flag, dueAt: dueAt, raisedAt: asOf)
        case .deferred where asOf >= dueAt:
            Alert(kind: .reviewPassed, caseId: caseId, grade: grade, flag: flag, dueAt: dueAt, raisedAt: asOf)
        default: nil
        }
    }
}
