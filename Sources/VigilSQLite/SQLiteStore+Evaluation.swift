#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore
import VigilStore

extension SQLiteStore {
    /// Loads what planning a change to one case needs: its facts, children, received time, raised flags,
    /// and its checks (each source with checks pending or running listed once, in the order of their
    /// checks, so an assessment's list stays as short as the source list).
    static func loadCase(_ db: Database, _ id: Int64) throws -> LoadedCase {
        var received: Int64 = 0
        try db.cachedStatement(sql: "SELECT received_at FROM cases WHERE id = ?").forEachRow(.integer(id)) { received = $0.integer(0) }
        var facts = FactSet()
        try db.cachedStatement(sql: "SELECT fact, value, provenance, at, about FROM facts WHERE case_id = ?").forEachRow(.integer(id)) { row in
            guard let kind = FactKind(rawValue: row.text(0)) else { return }
            facts.insert(
                FactObservation(
                    fact: kind, value: row.integer(1) != 0, provenance: Provenance(rawValue: row.text(2)),
                    at: Date(millis: row.integer(3)), about: row.optionalText(4).map(Subject.init(rawValue:))))
        }
        var children: [Child] = []
        try db.cachedStatement(sql: "SELECT age, relation, provenance, about FROM children WHERE case_id = ?").forEachRow(.integer(id)) { row in
            guard let relation = ChildRelation(rawValue: row.text(1)) else { return }
            children.append(
                Child(
                    age: row.optionalInteger(0).map(Int.init), relation: relation, provenance: Provenance(rawValue: row.text(2)),
                    about: row.optionalText(3).map(Subject.init(rawValue:))))
        }
        var pending: [String] = []
        var failed: [String] = []
        var keys = Set<CheckKey>()
        try db.cachedStatement(sql: "SELECT source, query, state FROM checks WHERE case_id = ? ORDER BY id").forEachRow(.integer(id)) { row in
            let source = row.text(0)
            keys.insert(CheckKey(source: source, queryText: row.text(1)))
            let state = row.text(2)
            if state == CheckState.pending.rawValue || state == CheckState.running.rawValue, !pending.contains(source) {
                pending.append(source)
            } else if state == CheckState.failed.rawValue, !failed.contains(source) {
                failed.append(source)
            }
        }
        var flags: [FlagKey] = []
        try db.cachedStatement(sql: "SELECT kind, about FROM flags WHERE case_id = ?").forEachRow(.integer(id)) { row in
            if let kind = FlagKind(rawValue: row.text(0)) { flags.append(FlagKey(kind, about: row.optionalText(1).map(Subject.init(rawValue:)))) }
        }
        let state = CaseState(
            facts: facts, children: children, pendingChecks: pending, failedChecks: failed, receivedAt: Date(millis: received), raisedFlags: flags)
        return LoadedCase(id: CaseID(id), state: state, checkKeys: keys)
    }

    /// Inserts observations as fact rows.
    static func insertFacts(_ db: Database, caseId: Int64, _ observations: [FactObservation]) throws {
        var rowValues: [BoundValue] = []
        rowValues.reserveCapacity(observations.count * factInsert.rowWidth)
        for observation in observations {
            rowValues.append(.text(observation.fact.rawValue))
            rowValues.append(.boolean(observation.value))
            rowValues.append(.text(observation.provenance.rawValue))
            rowValues.append(.integer(observation.at.millis))
            rowValues.append(.text(observation.about?.rawValue))
        }
        try factInsert.run(db, shared: [.integer(caseId)], rowValues: rowValues)
    }

    /// Fact rows of one case (`?1`).
    private static let factInsert = MultiRowInsert(
        "INSERT OR FAIL INTO facts (case_id, fact, value, provenance, at, about)",
        rowTemplate: "(?1, ?, ?, ?, ?, ?)", sharedCount: 1)

    /// Inserts children rows.
    static func insertChildren(_ db: Database, caseId: Int64, _ children: [Child], at: Date) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO children (case_id, age, relation, provenance, at, about) VALUES (?, ?, ?, ?, ?, ?)")
        for child in children {
            try statement.run(
                .integer(caseId), .integer(child.age), .text(child.relation.rawValue), .text(child.provenance.rawValue),
                .integer(at.millis), .text(child.about?.rawValue))
        }
    }

    /// Inserts the addresses sources resolved for a case.
    static func insertAddresses(_ db: Database, caseId: Int64, _ addresses: [CaseAddress]) throws {
        guard !addresses.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT INTO case_addresses (case_id, address, address_type, provenance) VALUES (?, ?, ?, ?)")
        for address in addresses {
            try statement.run(
                .integer(caseId), .text(address.address.rawValue), .text(address.type?.rawValue), .text(address.provenance.rawValue))
        }
    }

    /// Records a re-assessment: the history row, the case's backlog columns, and any new flag. The
    /// backlog columns are written only when one of them changes: rewriting equal values would still
    /// dirty a page in each of the case indexes holding them, for every referral joining a case and every
    /// research answer.
    func apply(_ evaluation: CaseEvaluation, to db: Database, caseId: Int64, trigger: Provenance, now: Date) throws {
        let assessment = evaluation.assessment
        try db.cachedStatement(
            sql: """
                UPDATE cases SET grade_rank = ?1, effective_rank = ?2, promote_at = ?3, access_rank = ?4, youngest_rank = ?5,
                    provisional = ?6, due_at = ?8, promoted_rank = ?9, imminent_rank = ?10, research_failed = ?11
                WHERE id = ?7
                    AND (grade_rank, effective_rank, promote_at, access_rank, youngest_rank, provisional, due_at, promoted_rank, imminent_rank,
                        research_failed)
                        IS NOT (?1, ?2, ?3, ?4, ?5, ?6, ?8, ?9, ?10, ?11)
                """
        ).run(
            .integer(assessment.grade.rawValue), .integer(evaluation.effectiveGrade.rawValue),
            .integer(evaluation.promotionAt?.millis), .integer(evaluation.childAccess.backlogRank),
            .integer(evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank), .boolean(assessment.provisional),
            .integer(caseId), .integer(evaluation.dueAt.millis), .integer(evaluation.promotedGrade.map { Int64($0.rawValue) }),
            .integer(Int64(BacklogKey.imminentRank(evaluation.imminentDanger))), .text(assessment.failedChecks.joined(separator: ",")))
        try db.cachedStatement(sql: "UPDATE cases SET updated_at = ? WHERE id = ?").run(.integer(now.millis), .integer(caseId))
        try recordAssessment(evaluation, AssessmentText(assessment), to: db, caseId: caseId, trigger: trigger, now: now)
    }

    /// Appends the assessment, with its `text`, to the case's history, raises any new flag and writes the
    /// alerts the evaluation calls for.
    func recordAssessment(
        _ evaluation: CaseEvaluation, _ text: AssessmentText, to db: Database, caseId: Int64, trigger: Provenance,
        now: Date
    ) throws {
        let assessment = evaluation.assessment
        try db.cachedStatement(
            sql: """
                INSERT INTO assessments (case_id, grade_rank, policy, path, provisional, pending_checks, facts_used, trigger, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .integer(caseId), .integer(assessment.grade.rawValue), .text(assessment.policy), .text(assessment.path),
            .boolean(assessment.provisional), .text(text.pendingChecks), .text(text.factsUsed), .text(trigger.rawValue),
            .integer(now.millis))
        for placed in evaluation.flagsToPlace {
            try Self.place(db, placed, caseId: caseId)
        }
        let insertFlag = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO flags (case_id, kind, state, raised_at, due_at, raised_by, about) VALUES (?, ?, 'open', ?, ?, ?, ?)
                """)
        for flag in evaluation.flagsToRaise {
            try insertFlag.run(
                .integer(caseId), .text(flag.kind.rawValue), .integer(flag.raisedAt.millis), .integer(flag.dueAt.millis),
                .text(flag.raisedBy.rawValue), .text(flag.about?.rawValue))
        }
        try Self.insertAlerts(db, AlertRules.alerts(for: evaluation, caseId: CaseID(caseId), now: now))
    }

    /// Gives the case's case-wide flag of `placed.kind` the household or subject it is now known to be
    /// about, with the notifications and decisions recorded on it.
    private static func place(_ db: Database, _ placed: FlagKey, caseId: Int64) throws {
        let about = placed.about?.rawValue
        try db.execute(
            sql: "UPDATE flags SET about = ? WHERE case_id = ? AND kind = ? AND about IS NULL",
            arguments: [about, caseId, placed.kind.rawValue])
        for table in ["notifications", "decisions"] {
            try db.execute(
                sql: "UPDATE \(table) SET flag_about = ? WHERE case_id = ? AND flag_kind = ? AND flag_about IS NULL",
                arguments: [about, caseId, placed.kind.rawValue])
        }
    }

    /// Re-assesses a case from its rows and records the result.
    func reassess(_ db: Database, caseId: Int64, trigger: Provenance, now: Date) throws {
        let state = try Self.loadCase(db, caseId).state
        let evaluation = CaseEvaluation.evaluate(state, trigger: trigger, now: now, targets: targets)
        try apply(evaluation, to: db, caseId: caseId, trigger: trigger, now: now)
    }
}
