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
    /// linked referrals join one case. Records that touch nothing stored and nothing else in the chunk open
    /// their cases together, a statement per table (`openUnrelated`); the rest are decided one at a time, in
    /// order. If the database refuses any record, the chunk is redone with a
    /// savepoint per record, so the failing record is refused alone and every good record lands.
    public func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        do {
            return try await transaction { connection in
                var outcomes = try await self.openUnrelated(connection, referrals, now: now)
                for (index, referral) in referrals.enumerated() where outcomes[index] == nil {
                    outcomes[index] = try await self.importOne(connection, referral, now: now)
                }
                return referrals.indices.compactMap { outcomes[$0] }
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

    func importOne(_ connection: PostgresConnection, _ planned: PlannedReferral, now: Date) async throws -> ImportOutcome {
        let referral = planned.submission.referral
        try await lock(connection, lockNames(referral))
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
            caseId = try await writeOpenings(connection, [(planned, opening)], now: now)[0]
        case .join(let id):
            caseId = id.rawValue
            let plan = IntakePlanner.join(
                planned, into: try await loadCase(connection, caseId), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            try await insertReferrals(connection, [(caseId, planned.submission)], now: now)
            try await apply(plan, to: connection, trigger: .referral, now: now)
        }
        return .accepted(CaseID(caseId))
    }

    /// The advisory-lock names a record takes: its identity, the identity it supplements, its link keys.
    func lockNames(_ referral: Referral) -> [String] {
        let identity = "referral:\(referral.source.rawValue):\(referral.ref)"
        let supplemented = referral.supplements.map { "referral:\(referral.source.rawValue):\($0)" }
        return [identity] + (supplemented.map { [$0] } ?? []) + referral.linkKeys.map { "key:\($0.rawValue)" }
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

    /// Writes new cases, each with its referral (payload kept verbatim), first assessment, flags, alerts,
    /// link keys, facts, addresses, previous cases, children and checks, a statement per table however
    /// many cases; returns their ids in order. The ids are drawn from the cases' sequence first, so every
    /// row of a case can name it in the same statement as the others.
    func writeOpenings(
        _ connection: PostgresConnection, _ openings: [(planned: PlannedReferral, opening: CaseOpening)], now: Date
    ) async throws
        -> [Int64]
    {
        guard !openings.isEmpty else { return [] }
        let ids = try await connection.rows(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, \(openings.count))", logger: logger
        ).map { try $0.decode(Int64.self) }
        let evaluations = openings.map(\.opening.evaluation)
        try await connection.run(
            """
            INSERT INTO cases (id, grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at,
                due_at, promoted_rank, imminent_rank)
            SELECT i, g, e, NULLIF(p, -1), a, y, r, v, \(now.millis), d, NULLIF(m, -1), n
            FROM unnest(\(ids)::bigint[], \(evaluations.map(\.assessment.grade.rawValue))::integer[], \(evaluations.map(\.effectiveGrade.rawValue))::integer[],
                \(evaluations.map { $0.promotionAt?.millis ?? -1 })::bigint[], \(evaluations.map(\.childAccess.backlogRank))::integer[],
                \(evaluations.map { $0.youngestChildAge ?? BacklogKey.unknownAgeRank })::integer[], \(openings.map(\.opening.receivedAt.millis))::bigint[],
                \(evaluations.map(\.assessment.provisional))::boolean[], \(evaluations.map(\.dueAt.millis))::bigint[],
                \(evaluations.map { $0.promotedGrade?.rawValue ?? -1 })::integer[], \(evaluations.map { BacklogKey.imminentRank($0.imminentDanger) })::integer[])
                AS u(i, g, e, p, a, y, r, v, d, m, n)
            """, logger: logger)
        let numbered = zip(ids, openings).map { (caseId: $0, planned: $1.planned, opening: $1.opening) }
        try await recordAssessments(
            connection, numbered.map { ($0.caseId, $0.opening.evaluation, $0.opening.assessmentText) }, trigger: .referral, now: now)
        try await insertReferrals(connection, zip(ids, openings).map { ($0, $1.planned.submission) }, now: now)
        try await addLinkKeys(connection, numbered.flatMap { row in row.planned.submission.referral.linkKeys.map { (row.caseId, $0) } })
        try await insertFacts(connection, numbered.flatMap { row in row.opening.observations.map { (row.caseId, $0) } })
        try await insertAddresses(connection, numbered.flatMap { row in row.planned.submission.referral.addresses.map { (row.caseId, $0) } })
        let previous = numbered.flatMap { row in row.opening.previousCases.map { (caseId: row.caseId, previous: $0) } }
        if !previous.isEmpty {
            try await connection.run(
                """
                INSERT INTO previous_cases (case_id, previous_case_id, closed_at, outcome)
                SELECT * FROM unnest(\(previous.map(\.caseId))::bigint[], \(previous.map(\.previous.caseId.rawValue))::bigint[],
                    \(previous.map(\.previous.closedAt.millis))::bigint[], \(previous.map(\.previous.outcome))::text[])
                """, logger: logger)
        }
        try await insertChildren(connection, numbered.flatMap { row in row.planned.submission.referral.children.map { (row.caseId, $0) } }, at: now)
        try await insertChecks(connection, numbered.flatMap { row in row.opening.checks.map { (row.caseId, $0) } }, now: now)
        return ids
    }

    /// Inserts referral rows, each with its case, payloads kept verbatim, in one statement.
    private func insertReferrals(_ connection: PostgresConnection, _ rows: [(caseId: Int64, submission: ReferralSubmission)], now: Date) async throws
    {
        let submissions = rows.map(\.submission)
        try await connection.run(
            """
            INSERT INTO referrals (source, ref, case_id, received_at, imported_at, payload, content_digest, supplements)
            SELECT s, r, c, t, \(now.millis), p, d, NULLIF(u, '')
            FROM unnest(\(submissions.map(\.referral.source.rawValue))::text[], \(submissions.map(\.referral.ref))::text[], \(rows.map(\.caseId))::bigint[],
                \(submissions.map(\.referral.receivedAt.millis))::bigint[], \(submissions.map(\.raw))::text[], \(submissions.map(\.contentDigest))::text[],
                \(submissions.map { $0.referral.supplements ?? "" })::text[]) AS x(s, r, c, t, p, d, u)
            """, logger: logger)
    }

    /// Writes a `CaseUpdatePlan`: an earlier receipt, facts, children, addresses, link keys and checks
    /// (due now: workers lease checks by their own due time), and the case's new evaluation.
    func apply(_ plan: CaseUpdatePlan, to connection: PostgresConnection, trigger: Provenance, now: Date) async throws {
        let caseId = plan.caseId.rawValue
        if let received = plan.earlierReceipt {
            try await connection.run("UPDATE cases SET received_at = \(received.millis) WHERE id = \(caseId)", logger: logger)
        }
        try await insertFacts(connection, plan.observations.map { (caseId, $0) })
        try await insertChildren(connection, plan.children.map { (caseId, $0) }, at: now)
        try await insertAddresses(connection, plan.addresses.map { (caseId, $0) })
        try await addLinkKeys(connection, plan.linkKeys.map { (caseId, $0) })
        try await insertChecks(connection, plan.checks.map { (caseId, $0) }, now: now)
        try await apply(plan.evaluation, to: connection, caseId: caseId, trigger: trigger, now: now)
    }

    /// Creates pending check rows due now, as planned, each with its case, in one statement.
    func insertChecks(_ connection: PostgresConnection, _ rows: [(caseId: Int64, check: PlannedCheck)], now: Date) async throws {
        guard !rows.isEmpty else { return }
        let planned = rows.map(\.check)
        try await connection.run(
            """
            INSERT INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
            SELECT c, s, q, 'pending', m, \(now.millis), \(now.millis)
            FROM unnest(\(rows.map(\.caseId))::bigint[], \(planned.map(\.source))::text[], \(planned.map(\.queryText))::text[],
                \(planned.map(\.maxAttempts))::integer[]) AS u(c, s, q, m)
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

    /// Adds link keys, each to its case, that the case does not hold yet.
    func addLinkKeys(_ connection: PostgresConnection, _ rows: [(caseId: Int64, key: LinkKey)]) async throws {
        guard !rows.isEmpty else { return }
        try await connection.run(
            """
            INSERT INTO link_keys (key, case_id) SELECT DISTINCT k, c FROM unnest(\(rows.map(\.key.rawValue))::text[], \(rows.map(\.caseId))::bigint[]) AS u(k, c)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
