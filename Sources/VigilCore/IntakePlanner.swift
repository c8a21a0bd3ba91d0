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
    /// The case's grade, backlog columns and flags.
    public var evaluation: CaseEvaluation
    /// The text columns of the case's first history row.
    public var assessmentText: AssessmentText
    /// The case's received time (its referral's).
    public var receivedAt: Date
    /// Its checks, within the per-case limit.
    public var checks: [PlannedCheck]
    /// When its research is due: the import instant, or nil when it has no checks.
    public var researchDueAt: Date?
    /// The facts to store: the referral's, and what earlier cases of the subject make known.
    public var observations: [FactObservation]
    /// Closed cases of the same subject, most recently closed first (at most `PreviousCase.listed`).
    public var previousCases: [PreviousCase]
}

/// Where an arriving referral goes, decided from what the store holds.
public enum IntakeDecision: Sendable {
    /// The same identity with the same content is stored already: nothing changes.
    case duplicate(CaseID)
    /// The same identity with other content is stored already: nothing changes, and the caller is told.
    case conflict(CaseID)
    /// The referral breaks a rule only the store's contents reveal: nothing changes; `field` and `reason`
    /// say why.
    case refused(field: String, reason: String)
    /// No open case shares an identifier: the referral opens one.
    case open(CaseOpening)
    /// It joins this open case (`IntakePlanner.join` plans the writes from the loaded case).
    case join(CaseID)
}

/// Intake's rules: identity (duplicate, conflict), supplementary packages, linking (which open case a
/// referral joins, which closed cases make its subject previously known) and what an accepted referral
/// writes. A store loads what the rules ask about and applies the answer.
public enum IntakePlanner {
    /// Decides for `planned` given the referral stored under its identity, the package it supplements (if
    /// it names one and the store holds it), and the cases, open or closed, that share any of its link keys.
    ///
    /// - A supplementary package must be disseminated after the package it supplements. It joins that
    ///   package's case while the case is open; when the case is closed it opens a new case with the old
    ///   one as previously known. A supplement whose package is not stored is taken as a referral of its own.
    /// - A referral sharing identifiers with several open cases joins the oldest (lowest id); cases are
    ///   never merged.
    /// - A new case lists the closed cases it shares identifiers with (most recently closed first); an
    ///   arrest in one makes the sexual-offence history yes (`PreviousCase.observations`), and the case is
    ///   graded with that fact.
    /// - A new case keeps at most `maxChecksPerCase` checks.
    public static func decide(
        _ planned: PlannedReferral, stored: StoredReferral?, supplemented: SupplementedReferral?, linkedCases: [ConnectedCase],
        now: Date, targets: ActionTargets, maxChecksPerCase: Int
    ) -> IntakeDecision {
        if let stored {
            return stored.contentDigest == planned.submission.contentDigest ? .duplicate(stored.caseId) : .conflict(stored.caseId)
        }
        let referral = planned.submission.referral
        var previous: [PreviousCase] = []
        if let supplemented {
            guard referral.receivedAt > supplemented.receivedAt else {
                return .refused(
                    field: "disseminatedAt",
                    reason: "a supplementary package is disseminated after the package it supplements (\(supplemented.ref), "
                        + "disseminated \(Timestamp.format(supplemented.receivedAt)), in \(supplemented.connected.caseId))")
            }
            guard let closed = supplemented.connected.closed else { return .join(supplemented.connected.caseId) }
            previous.append(closed)
        } else if let oldest = linkedCases.filter({ $0.closed == nil }).map(\.caseId).min() {
            return .join(oldest)
        }
        for closed in linkedCases.compactMap(\.closed) where !previous.contains(where: { $0.caseId == closed.caseId }) {
            previous.append(closed)
        }
        previous = Array(previous.sorted { ($0.closedAt, $0.caseId) > ($1.closedAt, $1.caseId) }.prefix(PreviousCase.listed))
        let checks = planned.checks.count <= maxChecksPerCase ? planned.checks : Array(planned.checks.prefix(maxChecksPerCase))
        let known = previous.flatMap { $0.observations(at: referral.receivedAt) }
        let evaluation =
            known.isEmpty
            ? planned.evaluationAsNewCase
            : PlannedReferral.evaluate(referral, checks: planned.checks, adding: known, now: now, targets: targets)
        return .open(
            CaseOpening(
                evaluation: evaluation,
                assessmentText: known.isEmpty ? planned.assessmentTextAsNewCase : AssessmentText(evaluation.assessment),
                receivedAt: referral.receivedAt, checks: checks, researchDueAt: checks.isEmpty ? nil : now,
                observations: referral.observations + known, previousCases: previous))
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
                checks: planned.checks, addresses: referral.addresses, receivedAt: referral.receivedAt),
            trigger: .referral, now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
    }
}
