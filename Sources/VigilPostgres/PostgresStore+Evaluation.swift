#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PostgresNIO
import VigilCore
import VigilStore

extension PostgresStore {
    /// Locks the case's row (`FOR UPDATE`, unless only `reading`: a referral joining it, an answer about it
    /// and a person acting on it change it one at a time, from any process) and loads what planning a
    /// change needs: facts, children, received time, raised flags and checks.
    func loadCase(_ connection: PostgresConnection, _ id: Int64, reading: Bool = false) async throws -> LoadedCase {
        let lock = reading ? "" : "FOR UPDATE"
        guard let caseRow = try await connection.rows("SELECT received_at FROM cases WHERE id = \(id) \(unescaped: lock)", logger: logger).first
        else {
            throw StoreError(.notFound, "no case \(CaseID(id))")
        }
        let received = try caseRow.decode(Int64.self)
        var facts = FactSet()
        for row in try await connection.rows("SELECT fact, value, provenance, at, about FROM facts WHERE case_id = \(id) ORDER BY id", logger: logger)
        {
            let (fact, value, provenance, at, about) = try row.decode((String, Bool, String, Int64, String?).self)
            guard let kind = FactKind(rawValue: fact) else { continue }
            facts.insert(
                FactObservation(
                    fact: kind, value: value, provenance: Provenance(rawValue: provenance), at: Date(millis: at),
                    about: about.map(Subject.init(rawValue:))))
        }
        var children: [Child] = []
        for row in try await connection.rows(
            "SELECT age, relation, provenance, about FROM children WHERE case_id = \(id) ORDER BY id", logger: logger)
        {
            let (age, relation, provenance, about) = try row.decode((Int?, String, String, String?).self)
            guard let relation = ChildRelation(rawValue: relation) else { continue }
            children.append(
                Child(age: age, relation: relation, provenance: Provenance(rawValue: provenance), about: about.map(Subject.init(rawValue:))))
        }
        var pending: [String] = []
        var failed: [String] = []
        var keys = Set<CheckKey>()
        for row in try await connection.rows("SELECT source, query, state FROM checks WHERE case_id = \(id) ORDER BY id", logger: logger) {
            let (source, query, state) = try row.decode((String, String, String).self)
            keys.insert(CheckKey(source: source, queryText: query))
            if state == CheckState.pending.rawValue || state == CheckState.running.rawValue, !pending.contains(source) {
                pending.append(source)
            } else if state == CheckState.failed.rawValue, !failed.contains(source) {
                failed.append(source)
            }
        }
        var flags: [FlagKey] = []
        for row in try await connection.rows("SELECT kind, about FROM flags WHERE case_id = \(id) ORDER BY id", logger: logger) {
            let (kind, about) = try row.decode((String, String?).self)
            if let kind = FlagKind(rawValue: kind) { flags.append(FlagKey(kind, about: about.map(Subject.init(rawValue:)))) }
        }
        let state = CaseState(
            facts: facts, children: children, pendingChecks: pending, failedChecks: failed, receivedAt: Date(millis: received), raisedFlags: flags)
        return LoadedCase(id: CaseID(id), state: state, checkKeys: keys)
    }

    /// Inserts observations as fact rows, each with its case, in one statement.
    func insertFacts(_ connection: PostgresConnection, _ rows: [(caseId: Int64, observation: FactObservation)]) async throws {
        guard !rows.isEmpty else { return }
        let observations = rows.map(\.observation)
        try await connection.run(
            """
            INSERT INTO facts (case_id, fact, value, provenance, at, about)
            SELECT c, f, v, p, a, NULLIF(s, '')
            FROM unnest(\(rows.map(\.caseId))::bigint[], \(observations.map(\.fact.rawValue))::text[], \(observations.map(\.value))::boolean[],
                \(observations.map(\.provenance.rawValue))::text[], \(observations.map(\.at.millis))::bigint[],
                \(observations.map { $0.about?.rawValue ?? "" })::text[]) AS u(c, f, v, p, a, s)
            """, logger: logger)
    }

    /// Inserts children rows, each with its case, in one statement.
    func insertChildren(_ connection: PostgresConnection, _ rows: [(caseId: Int64, child: Child)], at: Date) async throws {
        guard !rows.isEmpty else { return }
        let children = rows.map(\.child)
        try await connection.run(
            """
            INSERT INTO children (case_id, at, age, relation, provenance, about)
            SELECT c, \(at.millis), NULLIF(g, -1), r, p, NULLIF(s, '')
            FROM unnest(\(rows.map(\.caseId))::bigint[], \(children.map { $0.age ?? -1 })::integer[], \(children.map(\.relation.rawValue))::text[],
                \(children.map(\.provenance.rawValue))::text[], \(children.map { $0.about?.rawValue ?? "" })::text[]) AS u(c, g, r, p, s)
            """, logger: logger)
    }

    /// Inserts the addresses known for cases, each with its case, in one statement.
    func insertAddresses(_ connection: PostgresConnection, _ rows: [(caseId: Int64, address: CaseAddress)]) async throws {
        guard !rows.isEmpty else { return }
        let addresses = rows.map(\.address)
        try await connection.run(
            """
            INSERT INTO case_addresses (case_id, address, address_type, provenance)
            SELECT c, a, NULLIF(t, ''), p
            FROM unnest(\(rows.map(\.caseId))::bigint[], \(addresses.map(\.address.rawValue))::text[],
                \(addresses.map { $0.type?.rawValue ?? "" })::text[], \(addresses.map(\.provenance.rawValue))::text[]) AS u(c, a, t, p)
            """, logger: logger)
    }

    /// Records a re-assessment: the case's backlog columns, the history row, flags and alerts.
    func apply(_ evaluation: CaseEvaluation, to connection: PostgresConnection, caseId: Int64, trigger: Provenance, now: Date) async throws {
        let assessment = evaluation.assessment
        try await connection.run(
            """
            UPDATE cases SET grade_rank = \(assessment.grade.rawValue), effective_rank = \(evaluation.effectiveGrade.rawValue),
                promote_at = \(evaluation.promotionAt?.millis), access_rank = \(evaluation.childAccess.backlogRank),
                youngest_rank = \(evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank), provisional = \(assessment.provisional),
                due_at = \(evaluation.dueAt.millis), promoted_rank = \(evaluation.promotedGrade?.rawValue),
                imminent_rank = \(BacklogKey.imminentRank(evaluation.imminentDanger)),
                research_failed = \(assessment.failedChecks.joined(separator: ",")), updated_at = \(now.millis)
            WHERE id = \(caseId)
            """, logger: logger)
        try await recordAssessments(connection, [(caseId, evaluation, AssessmentText(assessment))], trigger: trigger, now: now)
    }

    /// Appends each assessment to its case's history, places and raises flags, and writes the alerts the
    /// evaluations call for: a statement per table, however many cases.
    func recordAssessments(
        _ connection: PostgresConnection, _ rows: [(caseId: Int64, evaluation: CaseEvaluation, text: AssessmentText)], trigger: Provenance,
        now: Date
    ) async throws {
        guard !rows.isEmpty else { return }
        let assessments = rows.map(\.evaluation.assessment)
        try await connection.run(
            """
            INSERT INTO assessments (case_id, grade_rank, policy, path, provisional, pending_checks, facts_used, trigger, at)
            SELECT c, g, p, h, v, k, f, \(trigger.rawValue), \(now.millis)
            FROM unnest(\(rows.map(\.caseId))::bigint[], \(assessments.map(\.grade.rawValue))::integer[], \(assessments.map(\.policy))::text[],
                \(assessments.map(\.path))::text[], \(assessments.map(\.provisional))::boolean[], \(rows.map(\.text.pendingChecks))::text[],
                \(rows.map(\.text.factsUsed))::text[]) AS u(c, g, p, h, v, k, f)
            """, logger: logger)
        for row in rows {
            for placed in row.evaluation.flagsToPlace {
                let (caseId, about) = (row.caseId, placed.about?.rawValue)
                try await connection.run(
                    "UPDATE flags SET about = \(about) WHERE case_id = \(caseId) AND kind = \(placed.kind.rawValue) AND about IS NULL", logger: logger
                )
                try await connection.run(
                    """
                    UPDATE notifications SET flag_about = \(about)
                    WHERE case_id = \(caseId) AND flag_kind = \(placed.kind.rawValue) AND flag_about IS NULL
                    """, logger: logger)
                try await connection.run(
                    "UPDATE decisions SET flag_about = \(about) WHERE case_id = \(caseId) AND flag_kind = \(placed.kind.rawValue) AND flag_about IS NULL",
                    logger: logger)
            }
        }
        let raised = rows.flatMap { row in row.evaluation.flagsToRaise.map { (caseId: row.caseId, flag: $0) } }
        if !raised.isEmpty {
            let flags = raised.map(\.flag)
            try await connection.run(
                """
                INSERT INTO flags (case_id, kind, about, state, raised_at, due_at, raised_by)
                SELECT c, k, NULLIF(a, ''), 'open', r, d, b
                FROM unnest(\(raised.map(\.caseId))::bigint[], \(flags.map(\.kind.rawValue))::text[], \(flags.map { $0.about?.rawValue ?? "" })::text[],
                    \(flags.map(\.raisedAt.millis))::bigint[], \(flags.map(\.dueAt.millis))::bigint[], \(flags.map(\.raisedBy.rawValue))::text[])
                    AS u(c, k, a, r, d, b)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        try await insertAlerts(connection, rows.flatMap { AlertRules.alerts(for: $0.evaluation, caseId: CaseID($0.caseId), now: now) })
    }

    /// Re-assesses a case from its rows (locking it) and records the result.
    func reassess(_ connection: PostgresConnection, caseId: Int64, trigger: Provenance, now: Date) async throws {
        let state = try await loadCase(connection, caseId).state
        let evaluation = CaseEvaluation.evaluate(state, trigger: trigger, now: now, targets: targets)
        try await apply(evaluation, to: connection, caseId: caseId, trigger: trigger, now: now)
    }

    /// Writes each alert as pending, due at once, unless an alert of its id exists, in one statement; returns
    /// how many were new.
    @discardableResult
    func insertAlerts(_ connection: PostgresConnection, _ alerts: [Alert]) async throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        return try await connection.rows(
            """
            INSERT INTO alerts (alert_id, kind, case_id, grade_rank, flag_kind, flag_ref, due_at, message, raised_at, next_attempt_at)
            SELECT i, k, c, g, NULLIF(f, ''), NULLIF(r, ''), NULLIF(d, -1), m, t, t
            FROM unnest(\(alerts.map(\.alertId))::text[], \(alerts.map(\.kind.rawValue))::text[], \(alerts.map(\.caseId.rawValue))::bigint[],
                \(alerts.map(\.grade.rawValue))::integer[], \(alerts.map { $0.flag?.rawValue ?? "" })::text[], \(alerts.map { $0.flagRef ?? "" })::text[],
                \(alerts.map { $0.dueAt?.millis ?? -1 })::bigint[], \(alerts.map(\.message))::text[], \(alerts.map(\.raisedAt.millis))::bigint[])
                AS u(i, k, c, g, f, r, d, m, t)
            ON CONFLICT (alert_id) DO NOTHING RETURNING id
            """, logger: logger
        ).count
    }

    /// Throws `notFound` unless the case exists; returns its status and holder.
    func requireCase(_ connection: PostgresConnection, _ id: CaseID) async throws -> (status: String, claimedBy: String?) {
        guard let row = try await connection.rows("SELECT status, claimed_by FROM cases WHERE id = \(id.rawValue) FOR UPDATE", logger: logger).first
        else { throw StoreError(.notFound, "no case \(id)") }
        let (status, holder) = try row.decode((String, String?).self)
        return (status, holder)
    }
}
