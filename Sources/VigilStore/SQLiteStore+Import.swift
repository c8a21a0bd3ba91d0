import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore

extension SQLiteStore {
    /// Imports in one IMMEDIATE transaction. The chunk is first tried under one savepoint; if any
    /// record fails in the database, that savepoint is rolled back and the chunk is redone with a
    /// savepoint per record, so the failing record is refused alone and every good record lands.
    public func importReferrals(_ submissions: [ReferralSubmission], sources: [IntelSourceSpec], now: Date) async throws
        -> [ImportOutcome]
    {
        try await writeImmediate { db in
            var outcomes: [ImportOutcome] = []
            do {
                try db.inSavepoint {
                    var counts = CheckCountChanges()
                    outcomes = try submissions.map { try self.importOne(db, $0, sources: sources, now: now, counts: &counts) }
                    try counts.apply(db)
                    return .commit
                }
                return outcomes
            } catch {
                return submissions.map { submission in
                    var outcome = ImportOutcome.failed("not stored")
                    do {
                        try db.inSavepoint {
                            var counts = CheckCountChanges()
                            outcome = try self.importOne(db, submission, sources: sources, now: now, counts: &counts)
                            try counts.apply(db)
                            return .commit
                        }
                    } catch {
                        outcome = .failed("the database refused the record: \(error)")
                    }
                    return outcome
                }
            }
        }
    }

    private func importOne(_ db: Database, _ submission: ReferralSubmission, sources: [IntelSourceSpec], now: Date,
                           counts: inout CheckCountChanges) throws -> ImportOutcome
    {
        let referral = submission.referral
        let digest = Self.hex(SHA256.hash(data: Array(submission.canonical.utf8)))
        if let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT case_id, content_digest FROM referrals WHERE source = ? AND ref = ?"),
            arguments: [referral.source.rawValue, referral.ref])
        {
            let caseId = CaseID(existing[0])
            return existing[1] == digest ? .duplicate(caseId) : .conflict(caseId)
        }

        let planned = CheckPlanner.plan(sources: sources, inputs: referral.research)
        let caseId: Int64
        let joined = try linkedOpenCase(db, referral.linkKeys)
        if let joined {
            caseId = joined
            try db.cachedStatement(sql: "UPDATE cases SET received_at = MIN(received_at, ?) WHERE id = ?")
                .execute(arguments: [referral.receivedAt.millis, caseId])
        } else {
            let state = CaseState(facts: FactSet(referral.observations), children: referral.children,
                                  pendingChecks: planned.map(\.source), receivedAt: referral.receivedAt, raisedFlags: [])
            let evaluation = CaseEvaluation.evaluate(state, trigger: .referral, now: now, targets: targets)
            caseId = try insertCase(db, evaluation, receivedAt: referral.receivedAt, now: now)
            try recordAssessment(evaluation, to: db, caseId: caseId, trigger: .referral, now: now)
        }
        try db.cachedStatement(sql: """
            INSERT INTO referrals (source, ref, case_id, received_at, imported_at, payload, content_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [referral.source.rawValue, referral.ref, caseId, referral.receivedAt.millis, now.millis,
                                     submission.raw, digest])
        let link = try db.cachedStatement(sql: "INSERT OR IGNORE INTO link_keys (key, case_id) VALUES (?, ?)")
        for key in referral.linkKeys { try link.execute(arguments: [key.rawValue, caseId]) }
        try Self.insertFacts(db, caseId: caseId, referral.observations)
        try Self.insertChildren(db, caseId: caseId, referral.children, at: now)
        try insertChecks(db, caseId: caseId, planned, sources: sources, now: now, counts: &counts)
        if joined != nil {
            try reassess(db, caseId: caseId, trigger: .referral, now: now)
        }
        return .accepted(CaseID(caseId))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The oldest open case sharing any of the keys, in one indexed query.
    private func linkedOpenCase(_ db: Database, _ keys: [LinkKey]) throws -> Int64? {
        guard !keys.isEmpty else { return nil }
        let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
        let statement = try db.cachedStatement(sql: """
            SELECT MIN(l.case_id) FROM link_keys l JOIN cases c ON c.id = l.case_id
            WHERE l.key IN (\(placeholders)) AND c.status = 'open'
            """)
        return try Int64.fetchOne(statement, arguments: StatementArguments(keys.map(\.rawValue)))
    }

    /// Inserts a new case with its backlog columns already graded.
    private func insertCase(_ db: Database, _ evaluation: CaseEvaluation, receivedAt: Date, now: Date) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO cases (grade_rank, effective_rank, promote_at, access_rank, youngest_rank, received_at, provisional, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                evaluation.assessment.grade.rawValue, evaluation.effectiveGrade.rawValue, evaluation.promotionAt?.millis,
                evaluation.childAccess.backlogRank, evaluation.youngestChildAge ?? BacklogKey.unknownAgeRank,
                receivedAt.millis, evaluation.assessment.provisional, now.millis,
            ])
        return db.lastInsertedRowID
    }


    /// Creates check rows, counting the new ones in `counts`; a check already planned for the case (same
    /// source and query) is kept as is.
    func insertChecks(_ db: Database, caseId: Int64, _ planned: [PlannedCheck], sources: [IntelSourceSpec], now: Date,
                      counts: inout CheckCountChanges) throws {
        guard !planned.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, 'pending', ?, ?, ?)
            """)
        for check in planned {
            let query = check.query.jsonText
            let attempts = sources.first { $0.name == check.source }?.maxAttempts ?? 1
            try statement.execute(arguments: [caseId, check.source, query, attempts, now.millis, now.millis])
            if db.changesCount == 1 { counts.moved(check.source, from: nil, to: .pending) }
        }
    }
}
