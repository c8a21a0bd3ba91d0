#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    public func leaseChecks(owner: String, limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [CheckLease] {
        try await writeImmediate { db in
            var counts = CheckCountChanges()
            // Expired leases first (that research was already under way): each is taken over, or failed if
            // the expired attempt was its last (`CheckTransitions.expire`).
            var takeovers: [Int64] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT id, case_id, source, attempts, max_attempts FROM checks WHERE state = 'running' AND lease_until < ?
                    ORDER BY lease_until, id
                    """, arguments: [now.millis])
            {
                let check = CheckRow(state: .running, attempts: row[3], maxAttempts: row[4])
                let transition = CheckTransitions.expire(check, now: now)
                guard transition != .lease else {
                    takeovers.append(row[0])
                    continue
                }
                try self.write(db, transition, checkId: row[0], caseId: row[1], source: row[2], from: check, now: now, counts: &counts)
            }
            let ids = Array(takeovers.prefix(limit))
            // Then pending checks: cases in backlog order through `cases_research` (the CROSS JOIN keeps them
            // the outer loop), each case's due checks by due time; the walk stops at `limit`
            // (SQLiteStore+ResearchQueue.swift).
            let pending = try Int64.fetchAll(
                db,
                sql: """
                    SELECT k.id FROM cases c CROSS JOIN checks k ON k.case_id = c.id
                    WHERE c.research_at <= ?1 AND k.state = 'pending' AND k.next_attempt_at <= ?1
                    ORDER BY c.imminent_rank, c.effective_rank DESC, c.access_rank, c.youngest_rank, c.received_at, c.id, k.next_attempt_at, k.id
                    LIMIT ?2
                    """, arguments: [now.millis, limit - ids.count])
            let lease = try db.cachedStatement(
                sql: """
                    UPDATE checks SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?
                    WHERE id = ?
                    RETURNING id, case_id, source, query, attempts, max_attempts
                    """)
            let taken = Set(ids)
            let leases = try (ids + pending).compactMap { id in
                try Row.fetchOne(lease, arguments: [owner, (now + leaseDuration).millis, id]).map { row in
                    CheckLease(
                        checkId: row[0], caseId: CaseID(row[1]), source: row[2], query: row[3], attempt: row[4],
                        maxAttempts: row[5])
                }
            }
            for lease in leases where !taken.contains(lease.checkId) {
                counts.moved(lease.source, from: .pending, to: .running)
            }
            for caseId in Set(leases.filter { !taken.contains($0.checkId) }.map(\.caseId.rawValue)) {
                try self.refreshResearchDue(db, caseId: caseId)
            }
            try counts.apply(db)
            return leases
        }
    }

    public func completeCheck(
        _ lease: CheckLease, findings: CheckFindings, sources: [IntelSourceSpec], now: Date
    ) async throws
        -> Bool
    {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .answered(findings))], sources: sources, now: now)[0]
    }

    public func failCheck(_ lease: CheckLease, error: String, retryAt: Date?, now: Date) async throws -> Bool {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .failed(error: error, retryAt: retryAt))], sources: [], now: now)[0]
    }

    public func recordAnswers(_ answers: [CheckAnswer], sources: [IntelSourceSpec], now: Date) async throws -> [Bool] {
        try await writeImmediate { db in
            try answers.map { answer in try self.record(db, answer, sources: sources, now: now) }
        }
    }

    /// Records one attempt's outcome as `CheckTransitions.record` rules, unless the lease is stale; an answer's
    /// facts, children, link key and unlocked checks are added to its case as `CaseUpdatePlanner` plans.
    private func record(_ db: Database, _ answer: CheckAnswer, sources: [IntelSourceSpec], now: Date) throws -> Bool {
        let lease = answer.lease
        guard let row = try Self.checkRow(db, lease.checkId),
            let transition = CheckTransitions.record(answer.outcome, attempt: lease.attempt, on: row, now: now)
        else { return false }
        var counts = CheckCountChanges()
        try write(
            db, transition, checkId: lease.checkId, caseId: lease.caseId.rawValue, source: lease.source, from: row, now: now,
            counts: &counts, regrade: false)
        if case .answered(let findings) = answer.outcome {
            let plan = CaseUpdatePlanner.plan(
                try Self.loadCase(db, lease.caseId.rawValue),
                adding: CheckTransitions.additions(of: findings, source: lease.source, queryText: lease.query, sources: sources),
                trigger: .check(lease.source), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            try apply(plan, to: db, trigger: .check(lease.source), now: now, counts: &counts)
            if plan.droppedChecks > 0 {
                let summary = CheckTransitions.summary(findings.summary, droppedChecks: plan.droppedChecks, maxChecksPerCase: maxChecksPerCase)
                try db.execute(sql: "UPDATE checks SET summary = ? WHERE id = ?", arguments: [summary, lease.checkId])
            }
        } else if transition.regradesCase {
            try reassess(db, caseId: lease.caseId.rawValue, trigger: .check(lease.source), now: now)
        }
        try counts.apply(db)
        return true
    }

    /// A check's state and attempt counters, nil when there is no such check.
    static func checkRow(_ db: Database, _ checkId: Int64) throws -> CheckRow? {
        try Row.fetchOne(db, sql: "SELECT state, attempts, max_attempts FROM checks WHERE id = ?", arguments: [checkId]).flatMap { row in
            CheckState(rawValue: row[0]).map { CheckRow(state: $0, attempts: row[1], maxAttempts: row[2]) }
        }
    }

    /// Writes a transition of a check that was `row` (the write is fenced on its state and attempt), moves
    /// its count, brings its case's research forward when it is pending again, and (with `regrade`)
    /// re-assesses the case when the transition calls for it. `lease` is written by `leaseChecks` itself.
    private func write(
        _ db: Database, _ transition: CheckTransition, checkId: Int64, caseId: Int64, source: String, from row: CheckRow, now: Date,
        counts: inout CheckCountChanges, regrade: Bool = true
    ) throws {
        let fence: [(any DatabaseValueConvertible)?] = [checkId, row.attempts, row.state.rawValue]
        let fenced = "WHERE id = ? AND attempts = ? AND state = ?"
        switch transition {
        case .lease:
            return
        case .done(let summary, let finishedAt):
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'done', lease_owner = NULL, lease_until = NULL, finished_at = ?, summary = ?,
                        last_error = NULL \(fenced)
                    """, arguments: StatementArguments([finishedAt.millis, summary] + fence))
        case .retry(let at, let error):
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?, last_error = ? \(fenced)
                    """, arguments: StatementArguments([at.millis, error] + fence))
        case .fail(let error, let finishedAt):
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'failed', lease_owner = NULL, lease_until = NULL, finished_at = ?, last_error = ? \(fenced)
                    """, arguments: StatementArguments([finishedAt.millis, error] + fence))
        case .handBack(let at):
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?,
                        max_attempts = max_attempts + 1 \(fenced)
                    """, arguments: StatementArguments([at.millis] + fence))
        case .reopen(let at):
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'pending', next_attempt_at = ?, max_attempts = attempts + 1, finished_at = NULL \(fenced)
                    """, arguments: StatementArguments([at.millis] + fence))
        }
        guard db.changesCount == 1 else { throw StoreError(.invalidState, "check \(checkId) changed while it was being updated") }
        counts.moved(source, from: row.state, to: transition.state)
        if let pendingFrom = transition.pendingFrom {
            try researchDue(db, caseId: caseId, at: pendingFrom.millis)
        }
        if regrade, transition.regradesCase {
            try reassess(db, caseId: caseId, trigger: .check(source), now: now)
        }
    }

    public func checks(of id: CaseID) async throws -> [CheckRecord] {
        try await pool.read { db in
            _ = try Self.requireCase(db, id)
            return try Self.checkRecords(db, caseId: id.rawValue)
        }
    }

    public func retryCheck(_ checkId: Int64, by actor: AuditActor, now: Date) async throws -> CheckRecord {
        try await writeImmediate { db in
            guard let row = try Self.checkRow(db, checkId),
                let located = try Row.fetchOne(db, sql: "SELECT case_id, source FROM checks WHERE id = ?", arguments: [checkId])
            else { throw StoreError(.notFound, "no check \(checkId)") }
            let transition: CheckTransition
            do throws(CheckTransitionError) {
                transition = try CheckTransitions.reopen(row, checkId: checkId, now: now)
            } catch {
                throw StoreError(.invalidState, error.message)
            }
            let caseId: Int64 = located[0]
            let source: String = located[1]
            var counts = CheckCountChanges()
            try self.write(db, transition, checkId: checkId, caseId: caseId, source: source, from: row, now: now, counts: &counts)
            try counts.apply(db)
            try self.appendAudit(db, AuditEvent(at: now, by: actor, .checkRetry, caseId: CaseID(caseId), detail: "#\(checkId) \(source)"))
            return try Self.checkRecords(db, caseId: caseId).first { $0.id == checkId }!
        }
    }

    public func researchState() async throws -> ResearchState {
        try await pool.read { db in
            // Counts from `check_counts`, the earliest due time from the cases: counting a million check
            // rows would take a second.
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COALESCE(SUM(n), 0) FROM check_counts WHERE state = 'pending'),
                           (SELECT COALESCE(SUM(n), 0) FROM check_counts WHERE state = 'running'),
                           (SELECT MIN(research_at) FROM cases WHERE research_at IS NOT NULL)
                    """)!
            return ResearchState(pending: row[0], running: row[1], nextDueAt: (row[2] as Int64?).map(Date.init(millis:)))
        }
    }
}
