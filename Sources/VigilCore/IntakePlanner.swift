#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A referral already stored under a submission's identity `(source, ref)`.
public struct StoredReferral: Sendable, Hashable {
    /// The case it belongs to.
    public var caseId: CaseID
    /// The digest of its canonical content.
    public var contentDigest: String

    /// Creates a stored referral.
    public init(caseId: CaseID, contentDigest: String) {
        self.caseId = caseId
        self.contentDigest = contentDigest
    }
}

/// What a store writes when a referral opens a case of its own.
public struct CaseOpening: Sendable {
    /// The case's grade, backlog columns and flags, as `PlannedReferral` worked them out.
    public var evaluation: CaseEvaluation
    /// The text columns of the case's first history row.
    public var assessmentText: AssessmentText
    /// The case's received time (its referral's).
    public var receivedAt: Date
    /// Its checks, within the per-case limit.
    public var checks: [PlannedCheck]
    /// When its research is due: the import instant, or nil when it has no checks.
    public var researchDueAt: Date?
}

/// Where an arriving referral goes, decided from what the store holds.
public enum IntakeDecision: Sendable {
    /// The same identity with the same content is stored already: nothing changes.
    case duplicate(CaseID)
    /// The same identity with other content is stored already: nothing changes, and the caller is told.
    case conflict(CaseID)
    /// No open case shares an identifier: the referral opens one.
    case open(CaseOpening)
    /// It joins this open case (`IntakePlanner.join` plans the writes from the loaded case).
    case join(CaseID)
}

/// Intake's rules: identity (duplicate, conflict), linking (which open case a referral joins) and what an
/// accepted referral writes. A store loads what the rules ask about and applies the answer.
public enum IntakePlanner {
    /// Decides for `planned` given the referral stored under its identity, if any, and the open cases that
    /// share any of its link keys. A referral sharing identifiers with several open cases joins the oldest
    /// (lowest id); cases are never merged. A new case keeps at most `maxChecksPerCase` checks.
    public static func decide(
        _ planned: PlannedReferral, stored: StoredReferral?, linkedOpenCases: some Sequence<CaseID>, now: Date,
        maxChecksPerCase: Int
    ) -> IntakeDecision {
        if let stored {
            return stored.contentDigest == planned.submission.contentDigest ? .duplicate(stored.caseId) : .conflict(stored.caseId)
        }
        if let oldest = linkedOpenCases.min() {
            return .join(oldest)
        }
        let checks = planned.checks.count <= maxChecksPerCase ? planned.checks : Array(planned.checks.prefix(maxChecksPerCase))
        return .open(
            CaseOpening(
                evaluation: planned.evaluationAsNewCase, assessmentText: planned.assessmentTextAsNewCase,
                receivedAt: planned.submission.referral.receivedAt, checks: checks, researchDueAt: checks.isEmpty ? nil : now))
    }

    /// The writes for `planned` joining `loaded`: its facts, children, link keys and the checks new to the
    /// case, an earlier receipt, and the whole case graded again (cumulative risk).
    public static func join(
        _ planned: PlannedReferral, into loaded: LoadedCase, now: Date, targets: ActionTargets, maxChecksPerCase: Int
    ) -> CaseUpdatePlan {
        let referral = planned.submission.referral
        return CaseUpdatePlanner.plan(
            loaded,
            adding: CaseAdditions(
                observations: referral.observations, children: referral.children, linkKeys: referral.linkKeys,
                checks: planned.checks, receivedAt: referral.receivedAt),
            trigger: .referral, now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
    }
}
