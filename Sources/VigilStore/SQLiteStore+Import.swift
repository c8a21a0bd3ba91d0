#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore

extension SQLiteStore {
    /// Imports a chunk in one IMMEDIATE transaction.
    public func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome] {
        try await importChunk(referrals, now: now)
    }

    /// Copies the pages earlier chunks committed from the WAL into the database file.
    public func catchUpAfterWrites() async {
        await copyWALToDatabase()
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
        let digest = submission.contentDigest
        var existing: ImportOutcome?
        try db.cachedStatement(sql: "SELECT case_id, content_digest FROM referrals WHERE source = ? AND ref = ?")
            .forEachRow(.text(referral.source.rawValue), .text(referral.ref)) { row in
                let caseId = CaseID(row.integer(0))
                existing = row.text(1) == digest ? .duplicate(caseId) : .conflict(caseId)
            }
        if let existing { return existing }

        let caseId: Int64
        let joined = try linkedOpenCase(db, referral.linkKeys)
        if let joined {
            caseId = joined
            // Only an earlier receipt changes the case: an UPDATE that rewrote the same value would still
            // dirty the page of each index holding `received_at`, and joined cases lie anywhere in them.
            try db.cachedStatement(sql: "UPDATE cases SET received_at = ?1 WHERE id = ?2 AND received_at > ?1")
                .run(.integer(referral.receivedAt.millis), .integer(caseId))
        } else {
            let evaluation = planned.evaluationAsNewCase
            caseId = try insertCase(
                db, evaluation, receivedAt: referral.receivedAt, researchAt: planned.checks.isEmpty ? nil : now,
                now: now)
            try recordAssessment(evaluation, planned.assessmentTextAsNewCase, to: db, caseId: caseId, trigger: .referral, now: now)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO referrals (source, ref, case_id, received_at, imported_at, payload, content_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .text(referral.source.rawValue), .text(referral.ref), .integer(caseId), .integer(referral.receivedAt.millis),
            .integer(now.millis), .text(submission.raw), .text(digest))
        try addLinkKeys(db, referral.linkKeys, caseId: caseId, newCase: joined == nil)
        try Self.insertFacts(db, caseId: caseId, referral.observations)
        try Self.insertChildren(db, caseId: caseId, referral.children, at: now)
        try insertChecks(db, caseId: caseId, planned.checks, newCase: joined == nil, now: now, counts: &counts)
        if joined != nil {
            try reassess(db, caseId: caseId, trigger: .referral, now: now)
        }
        return .accepted(CaseID(caseId))
    }

    /// Inserts a new case with its backlog columns already graded, and research due at `researchAt` (nil
    /// when it has no checks).
    private func insertCase(
        _ db: Database, _ evaluation: CaseEvaluation, receivedAt: Date, researchAt: Date?, now: Date
    ) throws
        -> Int64
    {
        try db.cachedStatement(
            sql: """
                INSERT INTO cases (grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at,
                    research_at, due_at, promoted_rank)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run(
            .integer(evaluation.assessment.grade.rawValue), .integer(evaluation.effectiveGrade.rawValue),
            .integer(evaluation.promotionAt?.millis), .integer(evaluation.childAccess.backlogRank),
            .integer(evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank), .integer(receivedAt.millis),
            .boolean(evaluation.assessment.provisional), .integer(now.millis), .integer(researchAt?.millis),
            .integer(evaluation.dueAt.millis), .integer(evaluation.promotedGrade.map { Int64($0.rawValue) }))
        return db.lastInsertedRowID
    }

    /// Creates check rows, counting the new ones in `counts`. A check the case already has (same source
    /// and query) is kept as is; a new case has none, and `CheckPlanner` plans each source and query once,
    /// so a new case's checks are inserted without looking. An existing case that gains a check has its
    /// research due now (a new case is inserted with it).
    @discardableResult
    func insertChecks(
        _ db: Database, caseId: Int64, _ planned: [PlannedCheck], newCase: Bool, now: Date,
        counts: inout CheckCountChanges
    ) throws -> Int {
        guard !planned.isEmpty else { return 0 }
        var existing = Set<[String]>()
        if !newCase {
            try db.cachedStatement(sql: "SELECT source, query FROM checks WHERE case_id = ?").forEachRow(.integer(caseId)) { row in
                existing.insert([row.text(0), row.text(1)])
            }
        }
        var rowValues: [BoundValue] = []
        rowValues.reserveCapacity(planned.count * Self.checkInsert.rowWidth)
        var room = maxChecksPerCase - existing.count
        var dropped = 0
        for check in planned where newCase || existing.insert([check.source, check.queryText]).inserted {
            guard room > 0 else {
                dropped += 1
                continue
            }
            room -= 1
            rowValues.append(.text(check.source))
            rowValues.append(.text(check.queryText))
            rowValues.append(.integer(Int64(check.maxAttempts)))
            counts.moved(check.source, from: nil, to: .pending)
        }
        guard !rowValues.isEmpty else { return dropped }
        try Self.checkInsert.run(db, shared: [.integer(caseId), .integer(now.millis)], rowValues: rowValues)
        if !newCase {
            try researchDue(db, caseId: caseId, at: now.millis)
        }
        return dropped
    }

    /// New pending checks of one case, due now: `?1` the case, `?2` the time.
    static let checkInsert = MultiRowInsert(
        "INSERT OR FAIL INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)",
        rowTemplate: "(?1, ?, ?, 'pending', ?, ?2, ?2)", sharedCount: 2)
}
