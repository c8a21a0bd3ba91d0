#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A check's identity within its case: at most one check per case, source and query.
public struct CheckKey: Sendable, Hashable {
    /// The source's name.
    public var source: String
    /// The query's canonical JSON text.
    public var queryText: String

    /// Creates a check key.
    public init(source: String, queryText: String) {
        self.source = source
        self.queryText = queryText
    }
}

/// A stored case as a store loads it before changing it: what re-grading needs and the checks it has.
public struct LoadedCase: Sendable {
    /// The case.
    public var id: CaseID
    /// Its facts, children, outstanding sources, received time and raised flags.
    public var state: CaseState
    /// The checks it already has, whatever their state.
    public var checkKeys: Set<CheckKey>

    /// Creates a loaded case.
    public init(id: CaseID, state: CaseState, checkKeys: Set<CheckKey>) {
        self.id = id
        self.state = state
        self.checkKeys = checkKeys
    }
}

/// What arrives for an existing case: a referral that joins it, or a check's answer.
public struct CaseAdditions: Sendable {
    /// Observations to record.
    public var observations: [FactObservation]
    /// Children to record.
    public var children: [Child]
    /// Link keys the case gains.
    public var linkKeys: [LinkKey]
    /// Checks the new knowledge allows (some may be ones the case already has).
    public var checks: [PlannedCheck]
    /// Addresses resolved for the case.
    public var addresses: [CaseAddress]
    /// The received time of a joining referral; nil for a check's answer.
    public var receivedAt: Date?

    /// Creates additions.
    public init(
        observations: [FactObservation] = [], children: [Child] = [], linkKeys: [LinkKey] = [], checks: [PlannedCheck] = [],
        addresses: [CaseAddress] = [], receivedAt: Date? = nil
    ) {
        self.observations = observations
        self.children = children
        self.linkKeys = linkKeys
        self.checks = checks
        self.addresses = addresses
        self.receivedAt = receivedAt
    }
}

/// What a store writes for additions to an existing case: the rows to add, the earlier receipt if any, and
/// the case's new evaluation (grade, backlog columns, flags to raise).
public struct CaseUpdatePlan: Sendable {
    /// The case.
    public var caseId: CaseID
    /// The case's new received time when the additions bring an earlier one; nil when it stays.
    public var earlierReceipt: Date?
    /// Observations to insert.
    public var observations: [FactObservation]
    /// Children to insert.
    public var children: [Child]
    /// Link keys to add (a store skips those the case already has).
    public var linkKeys: [LinkKey]
    /// Checks new to the case, within its limit, pending from `researchDueAt`.
    public var checks: [PlannedCheck]
    /// Addresses resolved for the case.
    public var addresses: [CaseAddress]
    /// Checks left out because the case reached its limit.
    public var droppedChecks: Int
    /// When the case's research is due because of the new checks; nil when there are none.
    public var researchDueAt: Date?
    /// The case's re-assessment with the additions.
    public var evaluation: CaseEvaluation
}

/// Plans changes to an existing case: which checks are new and fit, and how the whole case grades after.
public enum CaseUpdatePlanner {
    /// The plan for `additions` to `loaded`, triggered by `trigger` at `now`. A check the case already has
    /// (same source and query) is not planned again; once the case holds `maxChecksPerCase` checks, the rest
    /// are counted as dropped. The case is graded on everything it holds plus the additions.
    public static func plan(
        _ loaded: LoadedCase, adding additions: CaseAdditions, trigger: Provenance, now: Date, targets: ActionTargets,
        maxChecksPerCase: Int
    ) -> CaseUpdatePlan {
        var keys = loaded.checkKeys
        var room = maxChecksPerCase - keys.count
        var checks: [PlannedCheck] = []
        var dropped = 0
        for check in additions.checks where keys.insert(CheckKey(source: check.source, queryText: check.queryText)).inserted {
            guard room > 0 else {
                dropped += 1
                continue
            }
            room -= 1
            checks.append(check)
        }
        var state = loaded.state
        for observation in additions.observations { state.facts.insert(observation) }
        state.children += additions.children
        for check in checks where !state.pendingChecks.contains(check.source) {
            state.pendingChecks.append(check.source)
        }
        var earlierReceipt: Date?
        if let received = additions.receivedAt, received < state.receivedAt {
            earlierReceipt = received
            state.receivedAt = received
        }
        return CaseUpdatePlan(
            caseId: loaded.id, earlierReceipt: earlierReceipt, observations: additions.observations, children: additions.children,
            linkKeys: additions.linkKeys, checks: checks, addresses: additions.addresses, droppedChecks: dropped,
            researchDueAt: checks.isEmpty ? nil : now,
            evaluation: CaseEvaluation.evaluate(state, trigger: trigger, now: now, targets: targets))
    }
}
