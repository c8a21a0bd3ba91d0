#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import ServiceLifecycle
public import VigilCore

/// The reference implementation of `Store`: the contract over plain values in memory, with every domain
/// decision taken by VigilCore's planners, as every store takes them. One actor, so each call is one atomic
/// unit of work and claims are never shared. Nothing outlives the process: it exists to pin the contract
/// down (the conformance suite runs against it and every other store) and to test the API and dashboard
/// without a database.
public actor MemoryStore: Store {
    /// The response-time targets cases are graded and aged with.
    public nonisolated let targets: ActionTargets
    /// The most checks one case may have.
    public nonisolated let maxChecksPerCase: Int
    /// The key the audit chain is anchored with.
    let auditKey: AuditKey

    var cases: [Int64: MemoryCase] = [:]
    var nextCaseId: Int64 = 1
    var referrals: [MemoryReferral] = []
    var referralsByIdentity: [ReferralIdentity: Int] = [:]
    var casesByLinkKey: [LinkKey: [Int64]] = [:]
    var checks: [Int64: MemoryCheck] = [:]
    var nextCheckId: Int64 = 1
    var flags: [MemoryFlag] = []
    var decisions: [MemoryDecision] = []
    var userRows: [String: MemoryUser] = [:]
    var auditLog: [AuditEntry] = []
    var snapshots: [String: DailySnapshot] = [:]
    var alertRows: [AlertRecord] = []
    var alertIndexes: [String: Int] = [:]

    /// An empty store grading with `targets`, its audit chain anchored with `auditKey`.
    public init(
        targets: ActionTargets = .standard, auditKey: AuditKey = .generate(),
        maxChecksPerCase: Int = 500
    ) {
        self.targets = targets
        self.auditKey = auditKey
        self.maxChecksPerCase = maxChecksPerCase
    }

    public func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        let now = now.storedInstant
        return referrals.map { importOne($0, now: now) }
    }

    /// Holds nothing open: waits for the process's graceful shutdown.
    public func run() async throws {
        try? await gracefulShutdown()
    }

    private func importOne(_ planned: PlannedReferral, now: Date) -> ImportOutcome {
        let referral = planned.submission.referral
        let identity = ReferralIdentity(source: referral.source, ref: referral.ref)
        let stored = referralsByIdentity[identity].map {
            StoredReferral(caseId: CaseID(referrals[$0].caseId), contentDigest: referrals[$0].submission.contentDigest)
        }
        let linked = Set(referral.linkKeys.flatMap { casesByLinkKey[$0] ?? [] }).sorted().map(connected)
        let supplemented = referral.supplements.flatMap { ref -> SupplementedReferral? in
            guard let index = referralsByIdentity[ReferralIdentity(source: referral.source, ref: ref)] else { return nil }
            let original = referrals[index]
            return SupplementedReferral(ref: ref, receivedAt: original.submission.referral.receivedAt, connected: connected(original.caseId))
        }
        let decision = IntakePlanner.decide(
            planned, stored: stored, supplemented: supplemented, linkedCases: linked, now: now, targets: targets,
            maxChecksPerCase: maxChecksPerCase)
        switch decision {
        case .duplicate(let id): return .duplicate(id)
        case .conflict(let id): return .conflict(id)
        case .refused(let field, let reason): return .refused(field: field, reason: reason)
        case .open(let opening):
            let id = nextCaseId
            nextCaseId += 1
            cases[id] = MemoryCase(id: id, receivedAt: opening.receivedAt.storedInstant, evaluation: opening.evaluation, at: now)
            cases[id]!.previousCases = opening.previousCases
            cases[id]!.addresses = referral.addresses
            record(opening.evaluation, trigger: .referral, caseId: id, now: now)
            storeReferral(planned.submission, caseId: id, now: now)
            addRows(
                id, observations: opening.observations, children: referral.children, linkKeys: referral.linkKeys, checks: opening.checks,
                now: now)
            return .accepted(CaseID(id))
        case .join(let id):
            let plan = IntakePlanner.join(planned, into: loadCase(id.rawValue), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            storeReferral(planned.submission, caseId: id.rawValue, now: now)
            apply(plan, trigger: .referral, now: now)
            return .accepted(id)
        }
    }

    /// A case as intake sees it: open, or closed with its latest closing.
    private func connected(_ id: Int64) -> ConnectedCase {
        guard let row = cases[id], !row.isOpen else { return ConnectedCase(caseId: CaseID(id), closed: nil) }
        let close = decisions.last { $0.caseId == id && $0.record.kind == "close" }
        return ConnectedCase(
            caseId: CaseID(id),
            closed: PreviousCase(caseId: CaseID(id), closedAt: close?.record.at ?? row.updatedAt, outcome: close?.record.detail ?? "closed"))
    }

    private func storeReferral(_ submission: ReferralSubmission, caseId: Int64, now: Date) {
        let referral = submission.referral
        referralsByIdentity[ReferralIdentity(source: referral.source, ref: referral.ref)] = referrals.count
        referrals.append(MemoryReferral(submission: submission, caseId: caseId, importedAt: now))
        cases[caseId]?.referralIndexes.append(referrals.count - 1)
    }

    /// What planning a change to a case needs, as a store loads it.
    func loadCase(_ id: Int64) -> LoadedCase {
        let row = cases[id]!
        var pending: [String] = []
        var failed: [String] = []
        var keys = Set<CheckKey>()
        for checkId in row.checkIds {
            let check = checks[checkId]!
            keys.insert(CheckKey(source: check.source, queryText: check.query))
            if check.row.state == .pending || check.row.state == .running, !pending.contains(check.source) {
                pending.append(check.source)
            } else if check.row.state == .failed, !failed.contains(check.source) {
                failed.append(check.source)
            }
        }
        let state = CaseState(
            facts: FactSet(row.facts), children: row.children.map(\.child), pendingChecks: pending, failedChecks: failed,
            receivedAt: row.receivedAt,
            raisedFlags: flags.filter { $0.caseId == id }.map(\.key))
        return LoadedCase(id: CaseID(id), state: state, checkKeys: keys)
    }

    /// Writes a plan's rows and its evaluation.
    func apply(_ plan: CaseUpdatePlan, trigger: Provenance, now: Date) {
        let id = plan.caseId.rawValue
        if let received = plan.earlierReceipt { cases[id]!.receivedAt = received.storedInstant }
        addRows(id, observations: plan.observations, children: plan.children, linkKeys: plan.linkKeys, checks: plan.checks, now: now)
        cases[id]!.addresses += plan.addresses
        cases[id]!.evaluate(plan.evaluation, at: now)
        record(plan.evaluation, trigger: trigger, caseId: id, now: now)
    }

    /// Adds facts, children, link keys (those the case lacks) and pending checks due now to a case.
    private func addRows(
        _ id: Int64, observations: [FactObservation], children: [Child], linkKeys: [LinkKey], checks planned: [PlannedCheck], now: Date
    ) {
        cases[id]!.facts += observations.map { observation in
            var stored = observation
            stored.at = observation.at.storedInstant
            return stored
        }
        cases[id]!.children += children.map { MemoryChild(child: $0, at: now) }
        for key in linkKeys where !(casesByLinkKey[key] ?? []).contains(id) {
            casesByLinkKey[key, default: []].append(id)
        }
        for check in planned {
            checks[nextCheckId] = MemoryCheck(
                id: nextCheckId, caseId: id, source: check.source, query: check.queryText,
                row: CheckRow(state: .pending, attempts: 0, maxAttempts: check.maxAttempts), nextAttemptAt: now, createdAt: now)
            cases[id]!.checkIds.append(nextCheckId)
            nextCheckId += 1
        }
    }

    /// Re-assesses a case from what it holds and records the result.
    func reassess(_ id: Int64, trigger: Provenance, now: Date) {
        let evaluation = CaseEvaluation.evaluate(loadCase(id).state, trigger: trigger, now: now, targets: targets)
        cases[id]!.evaluate(evaluation, at: now)
        record(evaluation, trigger: trigger, caseId: id, now: now)
    }

    /// Appends the assessment to the case's history and raises its new flags.
    private func record(_ evaluation: CaseEvaluation, trigger: Provenance, caseId: Int64, now: Date) {
        let assessment = evaluation.assessment
        let text = AssessmentText(assessment)
        cases[caseId]!.assessments.append(
            AssessmentRecord(
                grade: assessment.grade, policy: assessment.policy, path: assessment.path, provisional: assessment.provisional,
                pendingChecks: text.pendingChecks.isEmpty ? [] : text.pendingChecks.split(separator: ",").map(String.init),
                trigger: trigger, at: now))
        for placed in evaluation.flagsToPlace {
            guard let index = flags.firstIndex(where: { $0.caseId == caseId && $0.kind == placed.kind && $0.about == nil }) else { continue }
            flags[index].about = placed.about
            for index in decisions.indices where decisions[index].caseId == caseId && decisions[index].record.flag == placed.kind {
                decisions[index].record.flagAbout = decisions[index].record.flagAbout ?? placed.about
            }
            for index in cases[caseId]!.notifications.indices where cases[caseId]!.notifications[index].flag == placed.kind {
                cases[caseId]!.notifications[index].flagAbout = cases[caseId]!.notifications[index].flagAbout ?? placed.about
            }
        }
        for raise in evaluation.flagsToRaise where !flags.contains(where: { $0.caseId == caseId && $0.key == raise.key }) {
            flags.append(
                MemoryFlag(
                    caseId: caseId, kind: raise.kind, about: raise.about, state: .open, raisedAt: raise.raisedAt.storedInstant,
                    dueAt: raise.dueAt.storedInstant,
                    raisedBy: raise.raisedBy))
        }
        for alert in AlertRules.alerts(for: evaluation, caseId: CaseID(caseId), now: now) { write(alert) }
    }

    /// The case, or `notFound`.
    func requireCase(_ id: CaseID) throws -> MemoryCase {
        guard let row = cases[id.rawValue] else { throw StoreError(.notFound, "no case \(id)") }
        return row
    }

    /// Appends an audit entry to the chain.
    @discardableResult
    func appendAuditEntry(_ event: AuditEvent) -> AuditEntry {
        var stored = event
        stored.at = event.at.storedInstant
        let previous = auditLog.last?.hash ?? AuditChain.genesis
        let entry = AuditEntry(
            id: Int64(auditLog.count + 1), at: stored.at, actor: stored.actor, action: stored.action, caseId: stored.caseId,
            detail: stored.detail, remote: stored.remote, previousHash: previous,
            hash: AuditChain.hash(previous: previous, stored, key: auditKey))
        auditLog.append(entry)
        return entry
    }

    public func claimNext(by officer: AuditActor, now: Date) async throws -> BacklogEntry? {
        let now = now.storedInstant
        guard let first = cases.values.filter({ $0.isOpen && $0.claimedBy == nil }).min(by: { $0.orderKey(asOf: now) < $1.orderKey(asOf: now) })
        else { return nil }
        cases[first.id]!.claim(by: officer.name, at: now)
        appendAuditEntry(AuditEvent(at: now, by: officer, .caseClaim, caseId: CaseID(first.id)))
        return entry(cases[first.id]!, asOf: now)
    }

    public func release(_ id: CaseID, by actor: AuditActor, now: Date) async throws {
        let now = now.storedInstant
        let row = try requireCase(id)
        guard row.claimedBy != nil, row.isOpen else { throw StoreError(.invalidState, "case \(id) is not claimed") }
        cases[id.rawValue]!.releaseClaim(at: now)
        appendAuditEntry(AuditEvent(at: now, by: actor, .caseRelease, caseId: id))
    }
}

/// A referral's identity: `(source, ref)`.
struct ReferralIdentity: Hashable {
    var source: ReferralSource
    var ref: String
}

extension Date {
    /// The instant as every store keeps it: to the millisecond.
    var storedInstant: Date { Date(millis: millis) }
}
