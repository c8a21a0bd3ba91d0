#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

/// Research leases across processes: a check is leased under `FOR UPDATE SKIP LOCKED`, so workers on any
/// host never take the same row; every later write is fenced on the check's `(id, attempt, state)` as
/// `CheckTransitions` rules, so a late answer from an attempt that was taken over changes nothing. The
/// lease columns are in no index, so renewing and recording stay heap-only updates.
extension PostgresStore {
    public func leaseChecks(owner: String, limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [CheckLease] {
        try await transaction { connection in
            var takeovers: [Int64] = []
            for row in try await connection.rows(
                """
                SELECT id, case_id, source, attempts, max_attempts FROM checks WHERE state = 'running' AND lease_until < \(now.millis)
                ORDER BY lease_until, id FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            {
                let (id, caseId, source, attempts, maxAttempts) = try row.decode((Int64, Int64, String, Int, Int).self)
                let check = CheckRow(state: .running, attempts: attempts, maxAttempts: maxAttempts)
                let transition = CheckTransitions.expire(check, now: now)
                guard transition != .lease else {
                    takeovers.append(id)
                    continue
                }
                try await self.write(connection, transition, checkId: id, caseId: caseId, source: source, from: check, now: now)
            }
            let ids = Array(takeovers.prefix(limit))
            let pending = try await connection.rows(
                """
                SELECT k.id FROM checks k JOIN cases c ON c.id = k.case_id
                WHERE k.state = 'pending' AND k.next_attempt_at <= \(now.millis)
                ORDER BY c.imminent_rank, c.effective_rank DESC, c.access_rank, c.youngest_rank, c.received_at, c.id, k.next_attempt_at, k.id
                LIMIT \(limit - ids.count) FOR UPDATE OF k SKIP LOCKED
                """, logger: self.logger
            ).map { try $0.decode(Int64.self) }
            // RETURNING gives rows in no set order: the leases keep the order they were chosen in.
            let order = Dictionary(uniqueKeysWithValues: (ids + pending).enumerated().map { ($1, $0) })
            return try await connection.rows(
                """
                UPDATE checks SET state = 'running', attempts = attempts + 1, lease_owner = \(owner),
                    lease_until = \((now + leaseDuration).millis)
                WHERE id = ANY(\(ids + pending)::bigint[])
                RETURNING id, case_id, source, query, attempts, max_attempts
                """, logger: self.logger
            ).map { row in
                let (id, caseId, source, query, attempt, maxAttempts) = try row.decode((Int64, Int64, String, String, Int, Int).self)
                return CheckLease(checkId: id, caseId: CaseID(caseId), source: source, query: query, attempt: attempt, maxAttempts: maxAttempts)
            }.sorted { order[$0.checkId, default: 0] < order[$1.checkId, default: 0] }
        }
    }

    public func completeCheck(_ lease: CheckLease, findings: CheckFindings, sources: [IntelSourceSpec], now: Date) async throws -> Bool {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .answered(findings))], sources: sources, now: now)[0]
    }

    public func failCheck(_ lease: CheckLease, error: String, retryAt: Date?, now: Date) async throws -> Bool {
        try await recordAnswers([CheckAnswer(lease: lease, outcome: .failed(error: error, retryAt: retryAt))], sources: [], now: now)[0]
    }

    /// Records a batch of answers in one transaction, in the order of their cases: each case's row is
    /// locked before its check's, as every other writer does, so two processes recording answers about the
    /// same cases wait for each other rather than deadlock.
    public func recordAnswers(_ answers: [CheckAnswer], sources: [IntelSourceSpec], now: Date) async throws -> [Bool] {
        try await transaction { connection in
            var recorded = [Bool](repeating: false, count: answers.count)
            for index in answers.indices.sorted(by: {
                (answers[$0].lease.caseId, answers[$0].lease.checkId) < (answers[$1].lease.caseId, answers[$1].lease.checkId)
            }) {
                let caseId = answers[index].lease.caseId.rawValue
                try await connection.run("SELECT id FROM cases WHERE id = \(caseId) FOR UPDATE", logger: self.logger)
                recorded[index] = try await self.record(connection, answers[index], sources: sources, now: now)
            }
            return recorded
        }
    }

    /// Records one attempt's outcome as `CheckTransitions.record` rules, unless the lease is stale; an
    /// answer's additions go to its case as `CaseUpdatePlanner` plans.
    private func record(_ connection: PostgresConnection, _ answer: CheckAnswer, sources: [IntelSourceSpec], now: Date) async throws -> Bool {
        let lease = answer.lease
        guard let row = try await checkRow(connection, lease.checkId),
            let transition = CheckTransitions.record(answer.outcome, attempt: lease.attempt, on: row, now: now)
        else { return false }
        try await write(
            connection, transition, checkId: lease.checkId, caseId: lease.caseId.rawValue, source: lease.source, from: row, now: now, regrade: false)
        if case .answered(let findings) = answer.outcome {
            let plan = CaseUpdatePlanner.plan(
                try await loadCase(connection, lease.caseId.rawValue),
                adding: CheckTransitions.additions(of: findings, source: lease.source, queryText: lease.query, sources: sources),
                trigger: .check(lease.source), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            try await apply(plan, to: connection, trigger: .check(lease.source), now: now)
            if plan.droppedChecks > 0 {
                let summary = CheckTransitions.summary(findings.summary, droppedChecks: plan.droppedChecks, maxChecksPerCase: maxChecksPerCase)
                try await connection.run("UPDATE checks SET summary = \(summary) WHERE id = \(lease.checkId)", logger: logger)
            }
        } else if transition.regradesCase {
            try await reassess(connection, caseId: lease.caseId.rawValue, trigger: .check(lease.source), now: now)
        }
        return true
    }

    /// A check's state and attempt counters, locked for the caller's transaction; nil when there is none.
    func checkRow(_ connection: PostgresConnection, _ checkId: Int64) async throws -> CheckRow? {
        guard
            let row = try await connection.rows(
                "SELECT state, attempts, max_attempts FROM checks WHERE id = \(checkId) FOR UPDATE", logger: logger
            ).first
        else { return nil }
        let (state, attempts, maxAttempts) = try row.decode((String, Int, Int).self)
        return CheckState(rawValue: state).map { CheckRow(state: $0, attempts: attempts, maxAttempts: maxAttempts) }
    }

    /// Writes a transition of a check that was `row`, fenced on its id, attempt and state, and (with
    /// `regrade`) re-assesses the case when the transition calls for it.
    private func write(
        _ connection: PostgresConnection, _ transition: CheckTransition, checkId: Int64, caseId: Int64, source: String, from row: CheckRow,
        now: Date, regrade: Bool = true
    ) async throws {
        // Each statement ends with the same fence: the check as it was read, at the attempt it was read at.
        let (id, attempts, state) = (checkId, row.attempts, row.state.rawValue)
        let update: PostgresQuery
        switch transition {
        case .lease:
            return
        case .done(let summary, let finishedAt):
            update = """
                UPDATE checks SET state = 'done', lease_owner = NULL, lease_until = NULL, finished_at = \(finishedAt.millis),
                    summary = \(summary), last_error = NULL
                WHERE id = \(id) AND attempts = \(attempts) AND state = \(state) RETURNING id
                """
        case .retry(let at, let error):
            update = """
                UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = \(at.millis),
                    last_error = \(error)
                WHERE id = \(id) AND attempts = \(attempts) AND state = \(state) RETURNING id
                """
        case .fail(let error, let finishedAt):
            update = """
                UPDATE checks SET state = 'failed', lease_owner = NULL, lease_until = NULL, finished_at = \(finishedAt.millis),
                    last_error = \(error)
                WHERE id = \(id) AND attempts = \(attempts) AND state = \(state) RETURNING id
                """
        case .handBack(let at):
            update = """
                UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = \(at.millis),
                    max_attempts = max_attempts + 1
                WHERE id = \(id) AND attempts = \(attempts) AND state = \(state) RETURNING id
                """
        case .reopen(let at):
            update = """
                UPDATE checks SET state = 'pending', next_attempt_at = \(at.millis), max_attempts = attempts + 1, finished_at = NULL
                WHERE id = \(id) AND attempts = \(attempts) AND state = \(state) RETURNING id
                """
        }
        guard try await connection.rows(update, logger: logger).count == 1 else {
            throw StoreError(.invalidState, "check \(checkId) changed while it was being updated")
        }
        if case .reopen = transition { try await notifyResearch(connection) }
        if regrade, transition.regradesCase {
            try await reassess(connection, caseId: caseId, trigger: .check(source), now: now)
        }
    }

    public func checks(of id: CaseID) async throws -> [CheckRecord] {
        try await snapshot { connection in
            guard try await !connection.rows("SELECT 1 FROM cases WHERE id = \(id.rawValue)", logger: self.logger).isEmpty else {
                throw StoreError(.notFound, "no case \(id)")
            }
            return try await self.checkRecords(connection, caseId: id.rawValue)
        }
    }

    public func retryCheck(_ checkId: Int64, by actor: AuditActor, now: Date) async throws -> CheckRecord {
        try await audited { connection in
            guard let row = try await self.checkRow(connection, checkId),
                let located = try await connection.rows("SELECT case_id, source FROM checks WHERE id = \(checkId)", logger: self.logger).first
            else { throw StoreError(.notFound, "no check \(checkId)") }
            let transition: CheckTransition
            do throws(CheckTransitionError) {
                transition = try CheckTransitions.reopen(row, checkId: checkId, now: now)
            } catch {
                throw StoreError(.invalidState, error.message)
            }
            let (caseId, source) = try located.decode((Int64, String).self)
            try await self.write(connection, transition, checkId: checkId, caseId: caseId, source: source, from: row, now: now)
            try await self.insertAudit(
                connection, AuditEvent(at: now, by: actor, .checkRetry, caseId: CaseID(caseId), detail: "#\(checkId) \(source)"))
            return try await self.checkRecords(connection, caseId: caseId).first { $0.id == checkId }!
        }
    }

    public func researchState() async throws -> ResearchState {
        let row = try await rows(
            """
            SELECT COUNT(*) FILTER (WHERE state = 'pending')::bigint, COUNT(*) FILTER (WHERE state = 'running')::bigint,
                MIN(next_attempt_at) FILTER (WHERE state = 'pending')
            FROM checks WHERE state IN ('pending', 'running')
            """)[0]
        let (pending, running, next) = try row.decode((Int, Int, Int64?).self)
        return ResearchState(pending: pending, running: running, nextDueAt: next.map(Date.init(millis:)))
    }
}
