#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore

extension SQLiteStore {
    public func leaseChecks(owner: String, limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [CheckLease] {
        try await writeImmediate { db in
            let exhausted = try Row.fetchAll(
                db,
                sql: """
                    UPDATE checks SET state = 'failed', lease_owner = NULL, lease_until = NULL, finished_at = ?,
                        last_error = 'lease expired on the last attempt (worker stopped?)'
                    WHERE state = 'running' AND lease_until < ? AND attempts >= max_attempts
                    RETURNING case_id, source
                    """, arguments: [now.millis, now.millis])
            var counts = CheckCountChanges()
            for row in exhausted {
                counts.moved(row[1], from: .running, to: .failed)
                try self.reassess(db, caseId: row[0], trigger: .check(row[1]), now: now)
            }
            // Takeovers of expired leases first (that research was already under way), then pending
            // checks in their case's backlog order, so the riskiest cases are researched first.
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM checks WHERE state = 'running' AND lease_until < ? ORDER BY lease_until, id LIMIT ?
                    """, arguments: [now.millis, limit])
            // Cases in backlog order through `cases_research` (the CROSS JOIN keeps them the outer loop), each
            // case's due checks by due time; the walk stops at `limit` (SQLiteStore+ResearchQueue.swift).
            let pending = try Int64.fetchAll(
                db,
                sql: """
                    SELECT k.id FROM cases c CROSS JOIN checks k ON k.case_id = c.id
                    WHERE c.research_at <= ?1 AND k.state = 'pending' AND k.next_attempt_at <= ?1
                    ORDER BY c.effective_rank DESC, c.access_rank, c.youngest_rank, c.received_at, c.id, k.next_attempt_at, k.id
                    LIMIT ?2
                    """, arguments: [now.millis, limit - ids.count])
            let lease = try db.cachedStatement(
                sql: """
                    UPDATE checks SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?
                    WHERE id = ?
                    RETURNING id, case_id, source, query, attempts, max_attempts
                    """)
            let takeovers = Set(ids)
            let leases = try (ids + pending).compactMap { id in
                try Row.fetchOne(lease, arguments: [owner, (now + leaseDuration).millis, id]).map { row in
                    CheckLease(
                        checkId: row[0], caseId: CaseID(row[1]), source: row[2], query: row[3], attempt: row[4],
                        maxAttempts: row[5])
                }
            }
            for lease in leases where !takeovers.contains(lease.checkId) {
                counts.moved(lease.source, from: .pending, to: .running)
            }
            for caseId in Set(leases.filter { !takeovers.contains($0.checkId) }.map(\.caseId.rawValue)) {
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
            try answers.map { answer in
                switch answer.outcome {
                case .answered(let findings): try self.complete(db, answer.lease, findings: findings, sources: sources, now: now)
                case .failed(let error, let retryAt): try self.fail(db, answer.lease, error: error, retryAt: retryAt, now: now)
                case .unsent: try self.handBack(db, answer.lease, now: now)
                }
            }
        }
    }

    /// Records a check's findings and re-assesses its case, unless the lease is stale.
    private func complete(
        _ db: Database, _ lease: CheckLease, findings: CheckFindings, sources: [IntelSourceSpec], now: Date
    ) throws
        -> Bool
    {
        try db.execute(
            sql: """
                UPDATE checks SET state = 'done', lease_owner = NULL, lease_until = NULL, finished_at = ?, summary = ?,
                    last_error = NULL
                WHERE id = ? AND attempts = ? AND state = 'running'
                """, arguments: [now.millis, findings.summary, lease.checkId, lease.attempt])
        guard db.changesCount == 1 else { return false }
        var summary = findings.summary
        var counts = CheckCountChanges()
        counts.moved(lease.source, from: .running, to: .done)
        let caseId = lease.caseId.rawValue
        try Self.insertFacts(db, caseId: caseId, findings.observations)
        try Self.insertChildren(db, caseId: caseId, findings.children, at: now)
        if let key = findings.address?.installationLinkKey {
            try addLinkKeys(db, [key], caseId: caseId, newCase: false)
        }
        let dropped = try insertChecks(
            db, caseId: caseId, CheckPlanner.plan(sources: sources, inputs: findings.researchInputs),
            newCase: false, now: now, counts: &counts)
        if dropped > 0 {
            summary = (summary.map { $0 + "; " } ?? "") + "\(dropped) further check(s) not planned: the case has its limit of \(maxChecksPerCase)"
            try db.execute(sql: "UPDATE checks SET summary = ? WHERE id = ?", arguments: [summary, lease.checkId])
        }
        try counts.apply(db)
        try reassess(db, caseId: caseId, trigger: .check(lease.source), now: now)
        return true
    }

    /// Makes a leased check whose request was never sent pending again, unless the lease is stale.
    private func handBack(_ db: Database, _ lease: CheckLease, now: Date) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?,
                    max_attempts = max_attempts + 1
                WHERE id = ? AND attempts = ? AND state = 'running'
                """, arguments: [now.millis, lease.checkId, lease.attempt])
        guard db.changesCount == 1 else { return false }
        var counts = CheckCountChanges()
        counts.moved(lease.source, from: .running, to: .pending)
        try counts.apply(db)
        try researchDue(db, caseId: lease.caseId.rawValue, at: now.millis)
        return true
    }

    /// Records a failed attempt and re-assesses its case, unless the lease is stale.
    private func fail(_ db: Database, _ lease: CheckLease, error: String, retryAt: Date?, now: Date) throws -> Bool {
        if let retryAt {
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_attempt_at = ?, last_error = ?
                    WHERE id = ? AND attempts = ? AND state = 'running'
                    """, arguments: [retryAt.millis, error, lease.checkId, lease.attempt])
        } else {
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'failed', lease_owner = NULL, lease_until = NULL, finished_at = ?, last_error = ?
                    WHERE id = ? AND attempts = ? AND state = 'running'
                    """, arguments: [now.millis, error, lease.checkId, lease.attempt])
        }
        guard db.changesCount == 1 else { return false }
        var counts = CheckCountChanges()
        counts.moved(lease.source, from: .running, to: retryAt == nil ? .failed : .pending)
        try counts.apply(db)
        if let retryAt {
            try researchDue(db, caseId: lease.caseId.rawValue, at: retryAt.millis)
        }
        try reassess(db, caseId: lease.caseId.rawValue, trigger: .check(lease.source), now: now)
        return true
    }

    public func checks(of id: CaseID) async throws -> [CheckRecord] {
        try await pool.read { db in
            _ = try Self.requireCase(db, id)
            return try Self.checkRecords(db, caseId: id.rawValue)
        }
    }

    public func retryCheck(_ checkId: Int64, by actor: AuditActor, now: Date) async throws -> CheckRecord {
        try await writeImmediate { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT case_id, source, state FROM checks WHERE id = ?", arguments: [checkId])
            else { throw StoreError(.notFound, "no check \(checkId)") }
            guard row["state"] == CheckState.failed.rawValue else {
                throw StoreError(.invalidState, "check \(checkId) is \(row["state"] as String), not failed")
            }
            try db.execute(
                sql: """
                    UPDATE checks SET state = 'pending', next_attempt_at = ?, max_attempts = attempts + 1, finished_at = NULL
                    WHERE id = ?
                    """, arguments: [now.millis, checkId])
            var counts = CheckCountChanges()
            counts.moved(row["source"], from: .failed, to: .pending)
            try counts.apply(db)
            let caseId: Int64 = row["case_id"]
            try self.researchDue(db, caseId: caseId, at: now.millis)
            try self.reassess(db, caseId: caseId, trigger: .check(row["source"]), now: now)
            try self.appendAudit(
                db,
                AuditEvent(
                    at: now, by: actor, .checkRetry, caseId: CaseID(caseId),
                    detail: "#\(checkId) \(row["source"] as String)"))
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
