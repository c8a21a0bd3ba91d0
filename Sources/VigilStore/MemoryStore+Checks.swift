#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

extension MemoryStore {
    public func leaseChecks(owner: String, limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [CheckLease] {
        let now = now.storedInstant
        var takeovers: [Int64] = []
        let expired = checks.values.filter { $0.row.state == .running && ($0.leaseUntil ?? now) < now }
            .sorted { ($0.leaseUntil!, $0.id) < ($1.leaseUntil!, $1.id) }
        for check in expired {
            let transition = CheckTransitions.expire(check.row, now: now)
            if transition == .lease {
                takeovers.append(check.id)
            } else {
                write(transition, checkId: check.id, now: now)
            }
        }
        let taken = Array(takeovers.prefix(limit))
        let pending = checks.values.filter { $0.row.state == .pending && $0.nextAttemptAt <= now }
            .map { ($0, cases[$0.caseId]!.backlogKey(asOf: now)) }
            .sorted { ($0.1, $0.0.nextAttemptAt, $0.0.id) < ($1.1, $1.0.nextAttemptAt, $1.0.id) }
            .prefix(limit - taken.count).map(\.0.id)
        return (taken + pending).map { id in
            var check = checks[id]!
            check.row.state = .running
            check.row.attempts += 1
            check.leaseOwner = owner
            check.leaseUntil = (now + leaseDuration).storedInstant
            checks[id] = check
            return CheckLease(
                checkId: id, caseId: CaseID(check.caseId), source: check.source, query: check.query, attempt: check.row.attempts,
                maxAttempts: check.row.maxAttempts)
        }
    }

    public func completeCheck(_ lease: CheckLease, findings: CheckFindings, sources: [IntelSourceSpec], now: Date) async throws -> Bool {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .answered(findings))], sources: sources, now: now)[0]
    }

    public func failCheck(_ lease: CheckLease, error: String, retryAt: Date?, now: Date) async throws -> Bool {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .failed(error: error, retryAt: retryAt))], sources: [], now: now)[0]
    }

    public func recordAnswers(_ answers: [CheckAnswer], sources: [IntelSourceSpec], now: Date) async throws -> [Bool] {
        let now = now.storedInstant
        return answers.map { answer in
            let lease = answer.lease
            guard let check = checks[lease.checkId],
                let transition = CheckTransitions.record(answer.outcome, attempt: lease.attempt, on: check.row, now: now)
            else { return false }
            write(transition, checkId: lease.checkId, now: now, regrade: false)
            if case .answered(let findings) = answer.outcome {
                let plan = CaseUpdatePlanner.plan(
                    loadCase(check.caseId),
                    adding: CheckTransitions.additions(of: findings, source: check.source, queryText: check.query, sources: sources),
                    trigger: .check(check.source), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
                apply(plan, trigger: .check(check.source), now: now)
                checks[lease.checkId]!.summary = CheckTransitions.summary(
                    findings.summary, droppedChecks: plan.droppedChecks, maxChecksPerCase: maxChecksPerCase)
            } else if transition.regradesCase {
                reassess(check.caseId, trigger: .check(check.source), now: now)
            }
            return true
        }
    }

    /// Applies a check transition (other than `lease`) and, with `regrade`, re-assesses its case when the
    /// transition calls for it.
    private func write(_ transition: CheckTransition, checkId: Int64, now: Date, regrade: Bool = true) {
        var check = checks[checkId]!
        check.row.state = transition.state
        check.leaseOwner = nil
        check.leaseUntil = nil
        switch transition {
        case .lease:
            return
        case .done(let summary, let finishedAt):
            check.finishedAt = finishedAt
            check.summary = summary
            check.lastError = nil
        case .retry(let at, let error):
            check.nextAttemptAt = at.storedInstant
            check.lastError = error
        case .fail(let error, let finishedAt):
            check.finishedAt = finishedAt
            check.lastError = error
        case .handBack(let at):
            check.nextAttemptAt = at.storedInstant
            check.row.maxAttempts += 1
        case .reopen(let at):
            check.nextAttemptAt = at.storedInstant
            check.row.maxAttempts = check.row.attempts + 1
            check.finishedAt = nil
        }
        checks[checkId] = check
        if regrade, transition.regradesCase {
            reassess(check.caseId, trigger: .check(check.source), now: now)
        }
    }

    public func checks(of id: CaseID) async throws -> [CheckRecord] {
        try requireCase(id).checkIds.map { checks[$0]!.record }
    }

    public func retryCheck(_ checkId: Int64, by actor: AuditActor, now: Date) async throws -> CheckRecord {
        let now = now.storedInstant
        guard let check = checks[checkId] else { throw StoreError(.notFound, "no check \(checkId)") }
        let transition: CheckTransition
        do throws(CheckTransitionError) {
            transition = try CheckTransitions.reopen(check.row, checkId: checkId, now: now)
        } catch {
            throw StoreError(.invalidState, error.message)
        }
        write(transition, checkId: checkId, now: now)
        appendAuditEntry(AuditEvent(at: now, by: actor, .checkRetry, caseId: CaseID(check.caseId), detail: "#\(checkId) \(check.source)"))
        return checks[checkId]!.record
    }

    public func researchState() async throws -> ResearchState {
        let pending = checks.values.filter { $0.row.state == .pending }
        return ResearchState(
            pending: pending.count, running: checks.values.filter { $0.row.state == .running }.count,
            nextDueAt: pending.map(\.nextAttemptAt).min())
    }

    /// Checks per source and state (without `done` unless `includingDone`), sources with none left out.
    func checkCounts(includingDone: Bool) -> [String: [CheckState: Int]] {
        var counts: [String: [CheckState: Int]] = [:]
        for check in checks.values where includingDone || check.row.state != .done {
            counts[check.source, default: [:]][check.row.state, default: 0] += 1
        }
        return counts
    }

    /// Sources with pending checks whose last attempt failed, by name.
    func failingSources() -> [SourceTrouble] {
        Dictionary(grouping: checks.values.filter { $0.row.state == .pending && $0.lastError != nil }, by: \.source)
            .map { source, waiting in
                let newest = waiting.max { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }!
                return SourceTrouble(
                    source: source, retrying: waiting.count, lastError: newest.lastError ?? "",
                    nextAttemptAt: waiting.map(\.nextAttemptAt).min()!)
            }
            .sorted { $0.source < $1.source }
    }
}
