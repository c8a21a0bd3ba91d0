#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What a store knows of a case when it must be re-assessed.
public struct CaseState: Sendable {
    /// Every observation of the case.
    public var facts: FactSet
    /// Every child known to the case.
    public var children: [Child]
    /// Sources of checks pending or running.
    public var pendingChecks: [String]
    /// Sources with a check that failed for good.
    public var failedChecks: [String]
    /// Received time of the case's first referral.
    public var receivedAt: Date
    /// Flags already raised on the case, whatever their state.
    public var raisedFlags: [FlagKey]

    /// Creates a case state.
    public init(
        facts: FactSet, children: [Child], pendingChecks: [String], failedChecks: [String] = [], receivedAt: Date, raisedFlags: [FlagKey]
    ) {
        self.facts = facts
        self.children = children
        self.pendingChecks = pendingChecks
        self.failedChecks = failedChecks
        self.receivedAt = receivedAt
        self.raisedFlags = raisedFlags
    }
}

/// The outcome of re-assessing a case: its new assessment, its backlog position and the flags to raise now.
public struct CaseEvaluation: Sendable {
    /// The new assessment (to be appended to the history).
    public var assessment: RiskAssessment
    /// True when a source reports a child in immediate danger (`imminentDanger` yes): the case goes before
    /// every other in the backlog and is never moved by ageing.
    public var imminentDanger: Bool
    /// The child-access summary.
    public var childAccess: TriState
    /// The youngest known child's age.
    public var youngestChildAge: Int?
    /// The effective grade now.
    public var effectiveGrade: Grade
    /// When ageing will next promote the case, nil if it never will (or already has).
    public var promotionAt: Date?
    /// The effective grade ageing promotes the case to once `dueAt` has passed (whether or not it has
    /// yet); nil for a grade that never ages.
    public var promotedGrade: Grade?
    /// When the case must be actioned.
    public var dueAt: Date
    /// Flags not yet raised that the case now calls for.
    public var flagsToRaise: [FlagRaise]
    /// Case-wide flags that now have their household or subject: the store sets the `about` of the case's
    /// flag of that kind raised without one (`SafeguardingRules.changes`).
    public var flagsToPlace: [FlagKey]

    /// Re-assesses a case. `trigger` is what changed it (the referral, a check, an officer) and is
    /// recorded as what raised any new flag.
    public static func evaluate(_ state: CaseState, trigger: Provenance, now: Date, targets: ActionTargets) -> CaseEvaluation {
        let assessment = RiskTree.assess(state.facts, pendingChecks: state.pendingChecks, failedChecks: state.failedChecks, at: now)
        let grade = assessment.grade
        let effective = targets.effectiveGrade(grade: grade, receivedAt: state.receivedAt, asOf: now)
        let promotion = effective == grade ? targets.promotionAt(grade: grade, receivedAt: state.receivedAt) : nil
        let changes = SafeguardingRules.changes(
            required: SafeguardingRules.required(grade: grade, facts: state.facts, children: state.children), raised: state.raisedFlags)
        let raises = changes.raise.map {
            FlagRaise(kind: $0.kind, about: $0.about, raisedBy: trigger, raisedAt: now, dueAt: targets.flagDueAt(kind: $0.kind, raisedAt: now))
        }
        return CaseEvaluation(
            assessment: assessment,
            imminentDanger: state.facts[.imminentDanger].value == .yes,
            childAccess: state.facts.childAccess,
            youngestChildAge: Child.youngestAge(of: state.children),
            effectiveGrade: effective,
            promotionAt: promotion,
            promotedGrade: grade.agedPromotion == grade ? nil : grade.agedPromotion,
            dueAt: targets.dueAt(grade: grade, receivedAt: state.receivedAt),
            flagsToRaise: raises,
            flagsToPlace: changes.place
        )
    }
}
