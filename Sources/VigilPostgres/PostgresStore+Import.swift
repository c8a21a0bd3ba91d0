#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Imports a chunk in one transaction. Each record first takes transaction-level advisory locks on its
    /// identity and its link keys, so importers on several hosts sending the same or linked referrals at
    /// once decide one after another: every record is stored once, the others see it as a duplicate, and
    /// linked referrals join one case. If the database refuses any record, the chunk is redone with a
    /// savepoint per record, so the failing record is refused alone and every good record lands.
    public func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        do {
            return try await transaction { connection in
                var outcomes: [ImportOutcome] = []
                for referral in referrals { outcomes.append(try await self.importOne(connection, referral, now: now)) }
                return outcomes
            }
        } catch {
            return try await transaction { connection in
                var outcomes: [ImportOutcome] = []
                for referral in referrals {
                    try await connection.run("SAVEPOINT record", logger: self.logger)
                    do {
                        outcomes.append(try await self.importOne(connection, referral, now: now))
                        try await connection.run("RELEASE SAVEPOINT record", logger: self.logger)
                    } catch {
                        try await connection.run("ROLLBACK TO SAVEPOINT record", logger: self.logger)
                        outcomes.append(.failed("the database refused the record: \(String(reflecting: error))"))
                    }
                }
                return outcomes
            }
        }
    }

    private func importOne(_ connection: PostgresConnection, _ planned: PlannedReferral, now: Date) async throws -> ImportOutcome {
        let referral = planned.submission.referral
        let identity = "referral:\(referral.source.rawValue):\(referral.ref)"
        let supplemented = referral.supplements.map { "referral:\(referral.source.rawValue):\($0)" }
        try await lock(connection, [identity] + (supplemented.map { [$0] } ?? []) + referral.linkKeys.map { "key:\($0.rawValue)" })
        var stored: StoredReferral?
        for row in try await connection.rows(
            "SELECT case_id, content_digest FROM referrals WHERE source = \(referral.source.rawValue) AND ref = \(referral.ref)", logger: logger)
        {
            let (caseId, digest) = try row.decode((Int64, String).self)
            stored = StoredReferral(caseId: CaseID(caseId), contentDigest: digest)
        }
        var supplement: SupplementedReferral?
        if let ref = referral.supplements {
            for row in try await connection.rows(
                """
                SELECT r.received_at, r.case_id, c.status = 'open' FROM referrals r JOIN cases c ON c.id = r.case_id
                WHERE r.source = \(referral.source.rawValue) AND r.ref = \(ref)
                """, logger: logger)
            {
                let (received, caseId, open) = try row.decode((Int64, Int64, Bool).self)
                supplement = SupplementedReferral(
                    ref: ref, receivedAt: Date(millis: received),
                    connected: open ? ConnectedCase(caseId: CaseID(caseId), closed: nil) : try await closedCase(connection, caseId))
            }
        }
        let decision = IntakePlanner.decide(
            planned, stored: stored, supplemented: supplement, linkedCases: try await linkedCases(connection, referral.linkKeys), now: now,
            targets: targets, maxChecksPerCase: maxChecksPerCase)
        let caseId: Int64
        switch decision {
        case .duplicate(let id): return .duplicate(id)
        case .conflict(let id): return .conflict(id)
        case .refused(let field, let reason): return .refused(field: field, reason: reason)
        case .open(let opening):
            caseId = try await insertCase(connection, opening, now: now)
            try await recordAssessment(opening.evaluation, opening.assessmentText, to: connection, caseId: caseId, trigger: .referral, now: now)
            try await insertReferral(connection, planned.submission, caseId: caseId, now: now)
            try await addLinkKeys(connection, referral.linkKeys, caseId: caseId)
            try await insertFacts(connection, caseId: caseId, opening.observations)
            try await insertAddresses(connection, caseId: caseId, referral.addresses)
            for previous in opening.previousCases {
                try await connection.run(
                    """
                    INSERT INTO previous_cases (case_id, previous_case_id, closed_at, outcome)
                    VALUES (\(caseId), \(previous.caseId.rawValue), \(previous.closedAt.millis), \(previous.outcome))
                    """, logger: logger)
            }
            try await insertChildren(connection, caseId: caseId, referral.children, at: now)
            try await insertChecks(connection, caseId: caseId, opening.checks, now: now)
        case .join(let id):
            caseId = id.rawValue
            let plan = IntakePlanner.join(
                planned, into: try await loadCase(connection, caseId), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            try await insertReferral(connection, planned.submission, caseId: caseId, now: now)
            try await apply(plan, to: connection, trigger: .referral, now: now)
        }
        return .accepted(CaseID(caseId))
    }

    /// Takes transaction-level advisory locks on `names`, in the order of their hashes so that two
    /// transactions locking overlapping names never wait on each other in a cycle.
    func lock(_ connection: PostgresConnection, _ names: [String]) async throws {
        try await connection.run(
            """
            SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(n, 0) AS h FROM unnest(\(names)::text[]) AS u(n)) AS l
            ORDER BY h
            """, logger: logger)
    }

    /// Inserts the referral's row, its payload kept verbatim.
    private func insertReferral(_ connection: PostgresConnection, _ submission: ReferralSubmission, caseId: Int64, now: Date) async throws {
        let referral = submission.referral
        try await connection.run(
            """
            INSERT INTO referrals (source, ref, case_id, received_at, imported_at, payload, content_digest, supplements)
            VALUES (\(referral.source.rawValue), \(referral.ref), \(caseId), \(referral.receivedAt.millis), \(now.millis), \(submission.raw),
                \(submission.contentDigest), \(referral.supplements))
            """, logger: logger)
    }

    /// Inserts a new case with its backlog columns already graded.
    private func insertCase(_ connection: PostgresConnection, _ opening: CaseOpening, now: Date) async throws -> Int64 {
        let evaluation = opening.evaluation
        let rows = try await connection.rows(
            """
            INSERT INTO cases (grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at,
                due_at, promoted_rank, imminent_rank)
            VALUES (\(evaluation.assessment.grade.rawValue), \(evaluation.effectiveGrade.rawValue), \(evaluation.promotionAt?.millis),
                \(evaluation.childAccess.backlogRank), \(evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank), \(opening.receivedAt.millis),
                \(evaluation.assessment.provisional), \(now.millis), \(evaluation.dueAt.millis),
                \(evaluation.promotedGrade?.rawValue), \(BacklogKey.imminentRank(evaluation.imminentDanger)))
            RETURNING id
            """, logger: logger)
        return try rows[0].decode(Int64.self)
    }

    /// Writes a `CaseUpdatePlan`: an earlier receipt, facts, children, addresses, link keys and checks
    /// (due now: workers lease checks by their own due time), and the case's new evaluation.
    func apply(_ plan: CaseUpdatePlan, to connection: PostgresConnection, trigger: Provenance, now: Date) async throws {
        let caseId = plan.caseId.rawValue
        if let received = plan.earlierReceipt {
            try await connection.run("UPDATE cases SET received_at = \(received.millis) WHERE id = \(caseId)", logger: logger)
        }
        try await insertFacts(connection, caseId: caseId, plan.observations)
        try await insertChildren(connection, caseId: caseId, plan.children, at: now)
        try await insertAddresses(connection, caseId: caseId, plan.addresses)
        try await addLinkKeys(connection, plan.linkKeys, caseId: caseId)
        try await insertChecks(connection, caseId: caseId, plan.checks, now: now)
        try await apply(plan.evaluation, to: connection, caseId: caseId, trigger: trigger, now: now)
    }

    /// Creates pending check rows due now, as planned, in one statement.
    func insertChecks(_ connection: PostgresConnection, caseId: Int64, _ planned: [PlannedCheck], now: Date) async throws {
        guard !planned.isEmpty else { return }
        try await connection.run(
            """
            INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
            SELECT \(caseId), s, q, 'pending', m, \(now.millis), \(now.millis)
            FROM unnest(\(planned.map(\.source))::text[], \(planned.map(\.queryText))::text[], \(planned.map(\.maxAttempts))::integer[])
                AS u(s, q, m)
            """, logger: logger)
        try await notifyResearch(connection)
    }

    /// The cases sharing any of `keys`: open ones (in id order), then closed ones with how they closed.
    func linkedCases(_ connection: PostgresConnection, _ keys: [LinkKey]) async throws -> [ConnectedCase] {
        guard !keys.isEmpty else { return [] }
        var open: [Int64] = []
        var closed: [Int64] = []
        for row in try await connection.rows(
            """
            SELECT DISTINCT l.case_id, c.status = 'open' FROM link_keys l JOIN cases c ON c.id = l.case_id
            WHERE l.key = ANY(\(keys.map(\.rawValue))::text[]) ORDER BY l.case_id
            """, logger: logger)
        {
            let (caseId, isOpen) = try row.decode((Int64, Bool).self)
            if isOpen { open.append(caseId) } else { closed.append(caseId) }
        }
        var connected = open.map { ConnectedCase(caseId: CaseID($0), closed: nil) }
        for caseId in closed { connected.append(try await closedCase(connection, caseId)) }
        return connected
    }

    /// A closed case with its latest closing's time and outcome.
    func closedCase(_ connection: PostgresConnection, _ id: Int64) async throws -> ConnectedCase {
        let rows = try await connection.rows(
            """
            SELECT COALESCE(d.at, c.updated_at), COALESCE(d.detail, 'closed') FROM cases c
            LEFT JOIN LATERAL (SELECT at, detail FROM decisions WHERE case_id = c.id AND kind = 'close' ORDER BY at DESC, id DESC LIMIT 1) d
                ON true
            WHERE c.id = \(id)
            """, logger: logger)
        let (at, outcome) = try rows.first?.decode((Int64, String).self) ?? (Int64(0), "closed")
        return ConnectedCase(caseId: CaseID(id), closed: PreviousCase(caseId: CaseID(id), closedAt: Date(millis: at), outcome: outcome))
    }

    /// Adds link keys the case does not hold yet.
    func addLinkKeys(_ connection: PostgresConnection, _ keys: [LinkKey], caseId: Int64) async throws {
        guard !keys.isEmpty else { return }
        try await connection.run(
            """
            INSERT INTO link_keys (key, case_id) SELECT DISTINCT k, \(caseId) FROM unnest(\(keys.map(\.rawValue))::text[]) AS u(k)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
