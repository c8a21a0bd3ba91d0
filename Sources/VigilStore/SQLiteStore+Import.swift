import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import VigilCore

extension SQLiteStore {
    /// Imports in one IMMEDIATE transaction with a savepoint per record, so a record that fails rolls
    /// back alone and every good record of the batch lands.
    public func importReferrals(_ submissions: [ReferralSubmission], sources: [IntelSourceSpec], now: Date) async throws
        -> [ImportOutcome]
    {
        try await writeImmediate { db in
            try submissions.map { submission in
                var outcome: ImportOutcome?
                try db.inSavepoint {
                    outcome = try self.importOne(db, submission, sources: sources, now: now)
                    return .commit
                }
                return outcome!
            }
        }
    }

    private func importOne(_ db: Database, _ submission: ReferralSubmission, sources: [IntelSourceSpec], now: Date) throws
        -> ImportOutcome
    {
        let referral = submission.referral
        let digest = SHA256.hash(data: Array(submission.canonical.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        if let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT case_id, content_digest FROM referrals WHERE source = ? AND ref = ?"),
            arguments: [referral.source.rawValue, referral.ref])
        {
            let caseId = CaseID(existing[0])
            return existing[1] == digest ? .duplicate(caseId) : .conflict(caseId)
        }

        let joined = try linkedOpenCase(db, referral.linkKeys)
        let caseId: Int64
        if let joined {
            caseId = joined
            try db.cachedStatement(sql: "UPDATE cases SET received_at = MIN(received_at, ?) WHERE id = ?")
                .execute(arguments: [referral.receivedAt.millis, caseId])
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO cases (grade_rank, effective_rank, access_rank, youngest_rank, received_at, provisional, updated_at)
                VALUES (0, 0, 1, ?, ?, 0, ?)
                """).execute(arguments: [BacklogKey.unknownAgeRank, referral.receivedAt.millis, now.millis])
            caseId = db.lastInsertedRowID
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
        let planned = CheckPlanner.plan(sources: sources, inputs: referral.research)
        try insertChecks(db, caseId: caseId, planned, sources: sources, now: now)

        if joined == nil {
            let state = CaseState(facts: FactSet(referral.observations), children: referral.children,
                                  pendingChecks: planned.map(\.source),
                                  receivedAt: referral.receivedAt, raisedFlags: [])
            let evaluation = CaseEvaluation.evaluate(state, trigger: .referral, now: now, targets: targets)
            try apply(evaluation, to: db, caseId: caseId, trigger: .referral, now: now)
        } else {
            try reassess(db, caseId: caseId, trigger: .referral, now: now)
        }
        return .accepted(CaseID(caseId))
    }

    /// The oldest open case sharing any of the keys.
    private func linkedOpenCase(_ db: Database, _ keys: [LinkKey]) throws -> Int64? {
        guard !keys.isEmpty else { return nil }
        let statement = try db.cachedStatement(sql: """
            SELECT l.case_id FROM link_keys l JOIN cases c ON c.id = l.case_id
            WHERE l.key = ? AND c.status = 'open' ORDER BY l.case_id LIMIT 1
            """)
        return try keys.compactMap { try Int64.fetchOne(statement, arguments: [$0.rawValue]) }.min()
    }

    /// Creates check rows; a check already planned for the case (same source and query) is kept as is.
    func insertChecks(_ db: Database, caseId: Int64, _ planned: [PlannedCheck], sources: [IntelSourceSpec], now: Date) throws {
        guard !planned.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO checks (case_id, source, query, state, max_attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, 'pending', ?, ?, ?)
            """)
        for check in planned {
            let query = String(decoding: try encoder.encode(check.query), as: UTF8.self)
            let attempts = sources.first { $0.name == check.source }?.maxAttempts ?? 1
            try statement.execute(arguments: [caseId, check.source, query, attempts, now.millis, now.millis])
        }
    }
}
