#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Imports a chunk in one IMMEDIATE transaction.
    public func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        try await importChunk(referrals, now: now)
    }

    /// If the database refuses any record, the chunk's whole transaction is rolled back and the chunk is
    /// redone in a new one with a savepoint per record, so the failing record is refused alone and every
    /// good record lands. (A savepoint around the whole chunk would do the same in one transaction, but it
    /// copies every page the chunk touches into its journal: ~9% of an import that nearly never fails.)
    private func importChunk(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        do {
            return try await writeImmediate { db in
                var counts = CheckCountChanges()
                let outcomes = try referrals.map { try self.importOne(db, $0, now: now, counts: &counts) }
                try counts.apply(db)
                try self.settleLinkKeys(db)
                return outcomes
            }
        } catch {
            return try await writeImmediate { db in
                let outcomes = referrals.map { referral in
                    var outcome = ImportOutcome.failed("not stored")
                    do {
                        try db.inSavepoint {
                            var counts = CheckCountChanges()
                            outcome = try self.importOne(db, referral, now: now, counts: &counts)
                            try counts.apply(db)
                            return .commit
                        }
                    } catch {
                        outcome = .failed("the database refused the record: \(error)")
                    }
                    return outcome
                }
                try self.settleLinkKeys(db)
                return outcomes
            }
        }
    }

    private func importOne(
        _ db: Database, _ planned: PlannedReferral, now: Date, counts: inout CheckCountChanges
    ) throws
        -> ImportOutcome
    {
        let submission = planned.submission
        let referral = submission.referral
        var stored: StoredReferral?
        try db.cachedStatement(sql: "SELECT case_id, content_digest FROM referrals WHERE source = ? AND ref = ?")
            .forEachRow(.text(referral.source.rawValue), .text(referral.ref)) { row in
                stored = StoredReferral(caseId: CaseID(row.integer(0)), contentDigest: row.text(1))
            }
        var supplemented: SupplementedReferral?
        if let ref = referral.supplements {
            try db.cachedStatement(
                sql:
                    "SELECT r.received_at, r.case_id, c.status = 'open' FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.source = ? AND r.ref = ?"
            ).forEachRow(.text(referral.source.rawValue), .text(ref)) { row in
                supplemented = SupplementedReferral(
                    ref: ref, receivedAt: Date(millis: row.integer(0)),
                    connected: ConnectedCase(caseId: CaseID(row.integer(1)), closed: nil))
                if row.integer(2) == 0 { supplemented?.connected = try closedCase(db, row.integer(1)) }
            }
        }
        let decision = IntakePlanner.decide(
            planned, stored: stored, supplemented: supplemented, linkedCases: try linkedCases(db, referral.linkKeys), now: now,
            targets: targets, maxChecksPerCase: maxChecksPerCase)
        let caseId: Int64
        switch decision {
        case .duplicate(let id): return .duplicate(id)
        case .conflict(let id): return .conflict(id)
        case .refused(let field, let reason): return .refused(field: field, reason: reason)
        case .open(let opening):
            caseId = try insertCase(db, opening, now: now)
            try recordAssessment(opening.evaluation, opening.assessmentText, to: db, caseId: caseId, trigger: .referral, now: now)
            try insertReferral(db, submission, caseId: caseId, now: now)
            try addLinkKeys(db, referral.linkKeys, caseId: caseId, newCase: true)
            try Self.insertFacts(db, caseId: caseId, opening.observations)
            try Self.insertAddresses(db, caseId: caseId, referral.addresses)
            for previous in opening.previousCases {
                try db.cachedStatement(sql: "INSERT INTO previous_cases (case_id, previous_case_id, closed_at, outcome) VALUES (?, ?, ?, ?)")
                    .run(.integer(caseId), .integer(previous.caseId.rawValue), .integer(previous.closedAt.millis), .text(previous.outcome))
            }
            try Self.insertChildren(db, caseId: caseId, referral.children, at: now)
            try insertChecks(db, caseId: caseId, opening.checks, now: now, counts: &counts)
        case .join(let id):
            caseId = id.rawValue
            let plan = IntakePlanner.join(
                planned, into: try Self.loadCase(db, caseId), now: now, targets: targets, maxChecksPerCase: maxChecksPerCase)
            try insertReferral(db, submission, caseId: caseId, now: now)
            try apply(plan, to: db, trigger: .referral, now: now, counts: &counts)
        }
        return .accepted(CaseID(caseId))
    }

    /// Inserts the referral's row, its payload kept verbatim.
    private func insertReferral(_ db: Database, _ submission: ReferralSubmission, caseId: Int64, now: Date) throws {
        let referral = submission.referral
        try db.cachedStatement(
            sql: """
                INSERT INTO referrals (source, ref, case_id, received_at, imported_at, payload, content_digest, supplements)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .text(referral.source.rawValue), .text(referral.ref), .integer(caseId), .integer(referral.receivedAt.millis),
            .integer(now.millis), .text(submission.raw), .text(submission.contentDigest), .text(referral.supplements))
    }

    /// Inserts a new case with its backlog columns already graded.
    private func insertCase(_ db: Database, _ opening: CaseOpening, now: Date) throws -> Int64 {
        let evaluation = opening.evaluation
        try db.cachedStatement(
            sql: """
                INSERT INTO cases (grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at,
                    research_at, due_at, promoted_rank, imminent_rank)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .integer(evaluation.assessment.grade.rawValue), .integer(evaluation.effectiveGrade.rawValue),
            .integer(evaluation.promotionAt?.millis), .integer(evaluation.childAccess.backlogRank),
            .integer(evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank), .integer(opening.receivedAt.millis),
            .boolean(evaluation.assessment.provisional), .integer(now.millis), .integer(opening.researchDueAt?.millis),
            .integer(evaluation.dueAt.millis), .integer(evaluation.promotedGrade.map { Int64($0.rawValue) }),
            .integer(Int64(BacklogKey.imminentRank(evaluation.imminentDanger))))
        return db.lastInsertedRowID
    }

    /// Writes a `CaseUpdatePlan`: an earlier receipt, facts, children, link keys and checks, research due
    /// for the new checks, and the case's new evaluation.
    func apply(_ plan: CaseUpdatePlan, to db: Database, trigger: Provenance, now: Date, counts: inout CheckCountChanges) throws {
        let caseId = plan.caseId.rawValue
        if let received = plan.earlierReceipt {
            try db.cachedStatement(sql: "UPDATE cases SET received_at = ? WHERE id = ?").run(.integer(received.millis), .integer(caseId))
        }
        try Self.insertFacts(db, caseId: caseId, plan.observations)
        try Self.insertChildren(db, caseId: caseId, plan.children, at: now)
        try Self.insertAddresses(db, caseId: caseId, plan.addresses)
        try addLinkKeys(db, plan.linkKeys, caseId: caseId, newCase: false)
        try insertChecks(db, caseId: caseId, plan.checks, now: now, counts: &counts)
        if let due = plan.researchDueAt {
            try researchDue(db, caseId: caseId, at: due.millis)
        }
        try apply(plan.evaluation, to: db, caseId: caseId, trigger: trigger, now: now)
    }

    /// Creates pending check rows due now, as planned (a planner already left out checks the case has and
    /// those past its limit), counting them in `counts`.
    func insertChecks(_ db: Database, caseId: Int64, _ planned: [PlannedCheck], now: Date, counts: inout CheckCountChanges) throws {
        guard !planned.isEmpty else { return }
        var rowValues: [BoundValue] = []
        rowValues.reserveCapacity(planned.count * Self.checkInsert.rowWidth)
        for check in planned {
            rowValues.append(.text(check.source))
            rowValues.append(.text(check.queryText))
            rowValues.append(.integer(Int64(check.maxAttempts)))
            counts.moved(check.source, from: nil, to: .pending)
        }
        try Self.checkInsert.run(db, shared: [.integer(caseId), .integer(now.millis)], rowValues: rowValues)
    }

    /// New pending checks of one case, due now: `?1` the case, `?2` the time.
    static let checkInsert = MultiRowInsert(
        "INSERT OR FAIL INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)",
        rowTemplate: "(?1, ?, ?, 'pending', ?, ?2, ?2)", sharedCount: 2)
}
