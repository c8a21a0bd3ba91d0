#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Open cases: unclaimed in backlog order at `asOf` (effective grades judged at `asOf`), then claimed.
    /// The order is computed in SQL, so a limited listing reads only the cases it returns.
    public func backlog(asOf: Date, offset: Int, limit: Int?) async throws -> [BacklogEntry] {
        try await pool.read { db in
            let order = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM cases WHERE status = 'open'
                    ORDER BY claimed_by IS NOT NULL, imminent_rank, \(self.effectiveRankSQL) DESC, access_rank, youngest_rank, received_at, id
                    LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(self.effectiveRankArguments(asOf) + [limit ?? -1, offset]))
            let whole = limit == nil && offset == 0
            let entries = try self.entries(db, caseIds: whole ? nil : order, asOf: asOf)
            let byId = Dictionary(uniqueKeysWithValues: entries.map { ($0.caseId.rawValue, $0) })
            return order.enumerated().compactMap { index, id in
                var entry = byId[id]
                entry?.position = offset + index + 1
                return entry
            }
        }
    }

    /// Counts by grade, effective grade, overdue, open flags and checks, all in SQL.
    public func backlogStatistics(asOf: Date) async throws -> BacklogStatistics {
        try await pool.read { db in
            var statistics = BacklogStatistics(byGrade: [:], byEffectiveGrade: [:], overdue: 0, openFlags: [:], overdueFlags: 0, checks: [:])
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT grade_rank, \(self.effectiveRankSQL) AS effective, COUNT(*), SUM(due_at < ?)
                    FROM cases WHERE status = 'open' GROUP BY grade_rank, effective
                    """, arguments: StatementArguments(self.effectiveRankArguments(asOf) + [asOf.millis]))
            {
                if let grade = Grade(rawValue: row[0]) { statistics.byGrade[grade, default: 0] += row[2] }
                if let effective = Grade(rawValue: row[1]) { statistics.byEffectiveGrade[effective, default: 0] += row[2] }
                statistics.overdue += row[3]
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, COUNT(*), SUM(due_at < ?1) FROM flags WHERE \(Self.callOpenSQL()) GROUP BY kind
                    """, arguments: [asOf.millis])
            {
                if let kind = FlagKind(rawValue: row[0]) { statistics.openFlags[kind] = row[1] }
                statistics.overdueFlags += row[2]
            }
            statistics.checks = try self.checkCounts(db, includingDone: true)
            return statistics
        }
    }

    /// Whether a flag's call is to be made at the moment bound to `?1`: the flag is open, or deferred with
    /// its review time (its stored due time) passed (`FlagLifecycle.standing`), on an open case or a closed
    /// one. `table` qualifies the columns (`"f."`).
    static func callOpenSQL(_ table: String = "") -> String {
        "(\(table)state = 'open' OR (\(table)state = 'deferred' AND \(table)due_at <= ?1))"
    }

    /// A case's effective rank at a moment, from its stored instants: its promoted rank once its due instant
    /// has passed, else its grade's rank. It holds for any moment, before or after a claim's sweep wrote the
    /// promotion into `effective_rank` (`vigil backlog --as-of` looks back and ahead).
    var effectiveRankSQL: String {
        "CASE WHEN promoted_rank IS NOT NULL AND due_at < ? THEN promoted_rank ELSE grade_rank END"
    }

    /// The value `effectiveRankSQL` binds: the moment, in milliseconds.
    func effectiveRankArguments(_ asOf: Date) -> [(any DatabaseValueConvertible)?] {
        [asOf.millis]
    }

    /// Backlog entries (unnumbered) of the given cases, or of every open case when `caseIds` is nil.
    func entries(_ db: Database, caseIds: [Int64]?, asOf: Date) throws -> [BacklogEntry] {
        let filter = caseIds.map { "id IN (\($0.map(String.init).joined(separator: ",")))" } ?? "status = 'open'"
        let caseFilter =
            caseIds.map { "case_id IN (\($0.map(String.init).joined(separator: ",")))" }
            ?? "case_id IN (SELECT id FROM cases WHERE status = 'open')"
        var refs: [Int64: [String]] = [:]
        let refRows = try Row.fetchCursor(db, sql: "SELECT case_id, ref FROM referrals WHERE \(caseFilter) ORDER BY id")
        while let row = try refRows.next() {
            refs[row[0], default: []].append(row[1])
        }
        var flags: [Int64: [FlagSummary]] = [:]
        let flagRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT case_id, kind, state, raised_at, due_at, raised_by, about FROM flags WHERE \(caseFilter) ORDER BY id
                """)
        while let row = try flagRows.next() {
            guard let kind = FlagKind(rawValue: row[1]), let state = FlagState(rawValue: row[2]) else { continue }
            let standing = FlagLifecycle.standing(state: state, dueAt: Date(millis: row[4]), asOf: asOf)
            flags[row[0], default: []].append(
                FlagSummary(
                    kind: kind, state: standing.state, raisedAt: Date(millis: row[3]), dueAt: standing.dueAt,
                    overdue: standing.overdue, raisedBy: Provenance(rawValue: row[5]), about: (row[6] as String?).map(Subject.init(rawValue:))))
        }
        var entries: [BacklogEntry] = []
        let caseRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, status, grade_rank, access_rank, youngest_rank, received_at, provisional, claimed_by, imminent_rank, research_failed
                FROM cases WHERE \(filter)
                """)
        while let row = try caseRows.next() {
            let id: Int64 = row[0]
            let grade = Grade(rawValue: row[2]) ?? .low
            let received = Date(millis: row[5])
            let due = targets.dueAt(grade: grade, receivedAt: received)
            let youngest: Int = row[4]
            entries.append(
                BacklogEntry(
                    position: nil, caseId: CaseID(id), refs: refs[id] ?? [], grade: grade,
                    effectiveGrade: targets.effectiveGrade(grade: grade, receivedAt: received, asOf: asOf),
                    provisional: row[6], imminentDanger: row[8] == BacklogKey.imminentRank(true),
                    childAccess: TriState(backlogRank: row[3]) ?? .unknown,
                    youngestChildAge: youngest == BacklogKey.unknownAgeRank ? nil : youngest,
                    receivedAt: received, dueAt: due, overdue: row[1] == "open" && asOf > due, claimedBy: row[7],
                    flags: flags[id] ?? [], researchFailed: (row[9] as String).split(separator: ",").map(String.init)))
        }
        return entries
    }

    /// Everything known about one case; an open case is numbered by counting, in SQL, the open cases
    /// ahead of it in the backlog order.
    public func caseDetail(_ id: CaseID, asOf: Date) async throws -> CaseDetail {
        try await pool.read { db in
            var detail = try self.detail(db, id, asOf: asOf)
            guard detail.status == "open" else { return detail }
            let ahead =
                try Int.fetchOne(
                    db,
                    sql: """
                        WITH ranked AS (
                            SELECT id, claimed_by IS NOT NULL AS claimed, imminent_rank, \(self.effectiveRankSQL) AS effective, access_rank,
                                youngest_rank, received_at
                            FROM cases WHERE status = 'open')
                        SELECT COUNT(*) FROM ranked other, ranked this WHERE this.id = ?
                            AND (other.claimed, other.imminent_rank, -other.effective, other.access_rank, other.youngest_rank, other.received_at,
                                other.id)
                                < (this.claimed, this.imminent_rank, -this.effective, this.access_rank, this.youngest_rank, this.received_at, this.id)
                        """, arguments: StatementArguments(self.effectiveRankArguments(asOf) + [id.rawValue])) ?? 0
            detail.summary.position = ahead + 1
            return detail
        }
    }

    private func detail(_ db: Database, _ id: CaseID, asOf: Date) throws -> CaseDetail {
        let row = try Self.requireCase(db, id)
        guard let summary = try entries(db, caseIds: [id.rawValue], asOf: asOf).first else {
            throw StoreError(.notFound, "no case \(id)")
        }
        let key = id.rawValue
        let referrals = try Row.fetchAll(
            db,
            sql: """
                SELECT source, ref, received_at, imported_at, payload, supplements FROM referrals WHERE case_id = ? ORDER BY id
                """, arguments: [key]
        ).map { row in
            ReferralRecord(
                source: ReferralSource(rawValue: row[0]) ?? .nca, ref: row[1], receivedAt: Date(millis: row[2]),
                importedAt: Date(millis: row[3]), payload: row[4], supplements: row[5])
        }
        let previous = try Row.fetchAll(
            db,
            sql: "SELECT previous_case_id, closed_at, outcome FROM previous_cases WHERE case_id = ? ORDER BY closed_at DESC, previous_case_id DESC",
            arguments: [key]
        ).map { row in PreviousCase(caseId: CaseID(row[0] as Int64), closedAt: Date(millis: row[1]), outcome: row[2]) }
        let state = try Self.loadCase(db, key).state
        let facts = FactKind.allCases.map { kind in
            return FactRecord(kind, state.facts[kind])
        }
        let assessments = try Row.fetchAll(
            db,
            sql: """
                SELECT grade_rank, policy, path, provisional, pending_checks, trigger, at FROM assessments
                WHERE case_id = ? ORDER BY id
                """, arguments: [key]
        ).map { row in
            let pending: String = row[4]
            return AssessmentRecord(
                grade: Grade(rawValue: row[0]) ?? .low, policy: row[1], path: row[2], provisional: row[3],
                pendingChecks: pending.isEmpty ? [] : pending.split(separator: ",").map(String.init),
                trigger: Provenance(rawValue: row[5]), at: Date(millis: row[6]))
        }
        let claims = try Row.fetchAll(
            db,
            sql: """
                SELECT officer, claimed_at, released_at FROM claims WHERE case_id = ? ORDER BY id
                """, arguments: [key]
        ).map { row in
            ClaimRecord(officer: row[0], claimedAt: Date(millis: row[1]), releasedAt: (row[2] as Int64?).map(Date.init(millis:)))
        }
        let decisions = try Row.fetchAll(
            db,
            sql: """
                SELECT kind, officer, at, flag_kind, detail, review_by, flag_about FROM decisions WHERE case_id = ? ORDER BY id
                """, arguments: [key]
        ).map { row in
            DecisionRecord(
                kind: row[0], by: row[1], at: Date(millis: row[2]),
                flag: (row[3] as String?).flatMap(FlagKind.init(rawValue:)).map {
                    FlagKey($0, about: (row[6] as String?).map(Subject.init(rawValue:)))
                },
                detail: row[4], reviewBy: (row[5] as Int64?).map(Date.init(millis:)))
        }
        let notifications = try Row.fetchAll(
            db,
            sql: """
                SELECT flag_kind, officer, at, method, reference, flag_about FROM notifications WHERE case_id = ? ORDER BY id
                """, arguments: [key]
        ).map { row in
            NotificationRecord(
                flag: FlagKey(FlagKind(rawValue: row[0]) ?? .socialCare, about: (row[5] as String?).map(Subject.init(rawValue:))), by: row[1],
                at: Date(millis: row[2]),
                method: row[3], reference: row[4])
        }
        let strategies = try Row.fetchAll(
            db,
            sql: """
                SELECT held_at, attendees, outcome, note, officer, recorded_at FROM strategy_discussions WHERE case_id = ?
                ORDER BY held_at, id
                """, arguments: [key]
        ).map { row in
            let attendees: String = row[1]
            return StrategyRecord(
                discussion: StrategyDiscussion(
                    heldAt: Date(millis: row[0]), attendees: attendees.split(separator: ",").compactMap { CaseOutcome.trimmed(String($0)) },
                    outcome: StrategyOutcome(rawValue: row[2]) ?? .singleAgency, note: row[3]),
                by: row[4], recordedAt: Date(millis: row[5]))
        }
        return CaseDetail(
            summary: summary, status: row["status"], referrals: referrals, facts: facts, children: state.children,
            assessments: assessments, checks: try Self.checkRecords(db, caseId: key), claims: claims,
            decisions: decisions, notifications: notifications, strategyDiscussions: strategies, previousCases: previous,
            addresses: AddressStanding.summarise(
                try Row.fetchAll(
                    db, sql: "SELECT address, address_type, provenance FROM case_addresses WHERE case_id = ? ORDER BY id", arguments: [key]
                )
                .map { row in
                    CaseAddress(
                        address: Subject(rawValue: row[0]), type: (row[1] as String?).flatMap(AddressType.init(rawValue:)),
                        provenance: Provenance(rawValue: row[2]))
                }))
    }

    /// The checks of a case, oldest first.
    static func checkRecords(_ db: Database, caseId: Int64) throws -> [CheckRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, source, state, attempts, last_error, query, next_attempt_at, summary FROM checks
                WHERE case_id = ? ORDER BY id
                """, arguments: [caseId]
        ).map { row in
            let state = CheckState(rawValue: row[2]) ?? .pending
            return CheckRecord(
                id: row[0], caseId: CaseID(caseId), source: row[1], state: state, attempts: row[3], lastError: row[4],
                query: row[5], nextAttemptAt: state == .pending ? Date(millis: row[6]) : nil, summary: row[7])
        }
    }
}
