#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
public import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Every dashboard figure in one read transaction (so the matrix, the lists and the counts agree).
    public func supervisorOverview(asOf: Date, limit: Int) async throws -> SupervisorOverview {
        try await pool.read { db in
            let urgent = try self.urgentOverdue(db, asOf: asOf, limit: limit)
            let calls = try self.firstCalls(db, asOf: asOf, limit: limit)
            return SupervisorOverview(
                aged: try self.aged(db, asOf: asOf),
                openFlags: calls.lines,
                openFlagCount: calls.total,
                deferrals: try self.deferrals(db, asOf: asOf),
                oldest: try self.lines(db, asOf: asOf, where: "status = 'open'", order: "received_at, id", limit: limit),
                overdueUrgent: urgent.lines,
                overdueUrgentCount: urgent.total,
                held: try self.lines(
                    db, asOf: asOf, where: "status = 'open' AND claimed_by IS NOT NULL",
                    order: "claimed_by, claimed_at, id", limit: nil),
                checks: try self.checkCounts(db, includingDone: false),
                failingSources: try Self.failingSources(db),
                strategyOverdue: try self.strategyOverdue(db, asOf: asOf, limit: limit),
                alerts: try Self.alertCounts(db),
                failedAlerts: try Self.alertRecords(db, state: .failed, limit: limit))
        }
    }

    /// The aged-backlog matrix alone (the CSV export and `vigil backlog --aged`).
    public func agedBacklog(asOf: Date) async throws -> AgedBacklog {
        try await pool.read { db in try self.aged(db, asOf: asOf) }
    }

    /// A page of the open cases matching `filter`, in waiting order (longest first), and how many match.
    public func caseLines(_ filter: CaseFilter, asOf: Date, offset: Int, limit: Int) async throws -> CaseLinePage {
        try await pool.read { db in
            var conditions = ["status = 'open'"]
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let grade = filter.effectiveGrade {
                conditions.append("\(self.effectiveRankSQL) = ?")
                arguments += self.effectiveRankArguments(asOf) + [grade.rawValue]
            }
            if let band = filter.band {
                conditions.append("? - received_at >= ?")
                arguments += [asOf.millis, Int64(band.lowerBound * 1000)]
                if let upper = band.upperBound {
                    conditions.append("? - received_at < ?")
                    arguments += [asOf.millis, Int64(upper * 1000)]
                }
            }
            if filter.overdueOnly {
                conditions.append("due_at < ?")
                arguments.append(asOf.millis)
            }
            if let holder = filter.holder {
                conditions.append("claimed_by = ?")
                arguments.append(holder)
            }
            let condition = conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            let lines = try self.lines(
                db, asOf: asOf, where: condition, arguments: arguments, order: "received_at, id", limit: limit,
                offset: offset)
            return CaseLinePage(lines: lines, total: total)
        }
    }

    /// Records today's snapshot and rebuilds any missing earlier day (back to the oldest case's receipt,
    /// at most `maxDays` days). Each day is counted on a reader connection, which scans the cases and
    /// referrals without holding the write lock, and then stored in a write of one row: counting inside
    /// the write held the lock ~100 ms a day at 100,000 cases, and claims waited behind it for the first
    /// ~9 s after `vigil serve` started.
    public func recordDailySnapshots(now: Date, maxDays: Int) async throws {
        let today = DayText.start(of: now)
        let (recorded, earliest) = try await pool.read { db in
            (
                Set(try String.fetchAll(db, sql: "SELECT day FROM daily_snapshots")),
                try Int64.fetchOne(db, sql: "SELECT MIN(received_at) FROM cases").map { Date(millis: $0) } ?? now
            )
        }
        var day = max(DayText.start(of: earliest), today.addingTimeInterval(-Double(maxDays) * 86_400))
        while day <= today {
            let (start, live) = (day, day == today)
            if live || !recorded.contains(DayText.format(start)) {
                let end = live ? now : start.addingTimeInterval(86_400)
                let counts = try await pool.read { db in try self.snapshotCounts(db, dayStart: start, until: end) }
                try await writeImmediate { db in
                    try db.execute(
                        sql: """
                            INSERT INTO daily_snapshots (day, taken_at, very_high, high, medium, low, referrals_in, closed, reconstructed)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (day) DO UPDATE SET taken_at = excluded.taken_at, very_high = excluded.very_high, high = excluded.high,
                                medium = excluded.medium, low = excluded.low, referrals_in = excluded.referrals_in, closed = excluded.closed,
                                reconstructed = excluded.reconstructed
                            """,
                        arguments: [
                            DayText.format(start), end.millis, counts.open[.veryHigh] ?? 0, counts.open[.high] ?? 0,
                            counts.open[.medium] ?? 0, counts.open[.low] ?? 0, counts.received, counts.closed, !live,
                        ])
                }
            }
            day = day.addingTimeInterval(86_400)
        }
    }

    /// Snapshots from `since` (a `YYYY-MM-DD` day) on, oldest first.
    public func dailySnapshots(since: String) async throws -> [DailySnapshot] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT day, very_high, high, medium, low, referrals_in, closed, reconstructed FROM daily_snapshots
                    WHERE day >= ? ORDER BY day
                    """, arguments: [since]
            ).map { row in
                DailySnapshot(
                    day: row[0], open: [.veryHigh: row[1], .high: row[2], .medium: row[3], .low: row[4]],
                    referralsIn: row[5], closed: row[6], reconstructed: row[7])
            }
        }
    }

    /// Hands an open case to `officer` (a supervisor's reassignment), closing the previous holder's claim.
    public func reassign(_ id: CaseID, to officer: String, by actor: AuditActor, at: Date) async throws {
        try await writeImmediate { db in
            let row = try Self.requireCase(db, id)
            guard row["status"] == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try db.execute(
                sql: "UPDATE claims SET released_at = ? WHERE case_id = ? AND released_at IS NULL",
                arguments: [at.millis, id.rawValue])
            try db.execute(
                sql: "UPDATE cases SET claimed_by = ?, claimed_at = ?, updated_at = ? WHERE id = ?",
                arguments: [officer, at.millis, at.millis, id.rawValue])
            try db.execute(
                sql: "INSERT INTO claims (case_id, officer, claimed_at) VALUES (?, ?, ?)",
                arguments: [id.rawValue, officer, at.millis])
            try self.appendAudit(db, AuditEvent(at: at, by: actor, .caseReassign, caseId: id, detail: "to \(officer)"))
        }
    }

    /// The matrix by counting ranges of the (grade, received) index (`AgedBacklogRanges`).
    private func aged(_ db: Database, asOf: Date) throws -> AgedBacklog {
        let count = try db.cachedStatement(
            sql: """
                SELECT COUNT(*) FROM cases WHERE status = 'open' AND grade_rank = ? AND received_at >= ? AND received_at < ?
                """)
        let matrix = AgedBacklogRanges(targets: targets, asOf: asOf)
        return matrix.matrix(counts: try matrix.ranges.map { try Int.fetchOne(count, arguments: [$0.grade.rawValue, $0.start, $0.end]) ?? 0 })
    }

    /// Very High and High cases past their target, longest waiting first: one range of the
    /// (grade, received) index per grade, merged.
    private func urgentOverdue(_ db: Database, asOf: Date, limit: Int) throws -> (lines: [CaseLine], total: Int) {
        var lines: [CaseLine] = []
        var total = 0
        for grade in Grade.urgent {
            let condition = "status = 'open' AND grade_rank = ? AND received_at < ?"
            let arguments: [(any DatabaseValueConvertible)?] = [grade.rawValue, asOf.millis - Int64(targets.target(for: grade) * 1000)]
            total += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
            lines += try self.lines(db, asOf: asOf, where: condition, arguments: arguments, order: "received_at, id", limit: limit)
        }
        let merged = lines.sorted { ($0.receivedAt, $0.caseId) < ($1.receivedAt, $1.caseId) }
        return (Array(merged.prefix(limit)), total)
    }

    private func lines(
        _ db: Database, asOf: Date, where condition: String, arguments: [(any DatabaseValueConvertible)?] = [],
        order: String, limit: Int?, offset: Int = 0
    ) throws -> [CaseLine] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, grade_rank, \(effectiveRankSQL), provisional, received_at, claimed_by, claimed_at, research_failed
                FROM cases WHERE \(condition) ORDER BY \(order) LIMIT ? OFFSET ?
                """, arguments: StatementArguments(effectiveRankArguments(asOf) + arguments + [limit ?? -1, offset])
        ).map { row in
            let grade = Grade(rawValue: row[1]) ?? .low
            let received = Date(millis: row[4])
            let due = targets.dueAt(grade: grade, receivedAt: received)
            return CaseLine(
                caseId: CaseID(row[0] as Int64), grade: grade, effectiveGrade: Grade(rawValue: row[2]) ?? grade,
                provisional: row[3], researchIncomplete: !(row[7] as String).isEmpty, receivedAt: received, dueAt: due, overdue: asOf > due,
                claimedBy: row[5],
                claimedAt: (row[6] as Int64?).map(Date.init(millis:)))
        }
    }

    /// Open Very High cases with child access, flagged more than `StrategyRules.window` before `asOf` and with
    /// no strategy discussion, longest overdue first.
    private func strategyOverdue(_ db: Database, asOf: Date, limit: Int) throws -> [StrategyLine] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, MIN(f.raised_at) AS flagged, c.claimed_by FROM cases c JOIN flags f ON f.case_id = c.id
                WHERE c.status = 'open' AND c.grade_rank = ? AND c.access_rank = ?
                    AND NOT EXISTS (SELECT 1 FROM strategy_discussions s WHERE s.case_id = c.id)
                GROUP BY c.id HAVING flagged < ? ORDER BY flagged, c.id LIMIT ?
                """,
            arguments: [
                Grade.veryHigh.rawValue, TriState.yes.backlogRank, (asOf - StrategyRules.window).millis, limit,
            ]
        ).map { row in
            let flagged = Date(millis: row[1])
            return StrategyLine(caseId: CaseID(row[0] as Int64), flaggedAt: flagged, dueAt: flagged + StrategyRules.window, claimedBy: row[2])
        }
    }

    public func openCalls(asOf: Date) async throws -> [OpenFlagLine] {
        try await pool.read { db in try self.openCalls(db, asOf: asOf) }
    }

    /// The first `limit` calls to make at `asOf` in `CallOrder`, and how many there are. `CallOrder` puts
    /// the earlier due first (an overdue call is one due earlier), so only the calls due by the `limit`-th
    /// due time, ties included, are read and ordered, through the `flags_unsettled` index, however many
    /// calls stand open.
    private func firstCalls(_ db: Database, asOf: Date, limit: Int) throws -> (lines: [OpenFlagLine], total: Int) {
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM flags WHERE \(Self.callOpenSQL())", arguments: [asOf.millis]) ?? 0
        guard limit > 0 else { return ([], total) }
        let lastDue = try Int64.fetchOne(
            db, sql: "SELECT due_at FROM flags WHERE \(Self.callOpenSQL()) ORDER BY due_at LIMIT 1 OFFSET ?2",
            arguments: [asOf.millis, limit - 1])
        return (Array(try openCalls(db, asOf: asOf, dueBy: lastDue.map(Date.init(millis:))).prefix(limit)), total)
    }

    /// Calls to make at `asOf` (open flags, and deferred ones past their review), on open and closed cases,
    /// due by `dueBy` when given, in `CallOrder`.
    private func openCalls(_ db: Database, asOf: Date, dueBy: Date? = nil) throws -> [OpenFlagLine] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.case_id, f.kind, f.raised_at, f.due_at, c.claimed_by, c.status,
                    CASE WHEN c.promoted_rank IS NOT NULL AND c.due_at < ?1 THEN c.promoted_rank ELSE c.grade_rank END, c.imminent_rank,
                    c.access_rank, c.youngest_rank, c.received_at, f.about
                FROM flags f JOIN cases c ON c.id = f.case_id
                WHERE \(Self.callOpenSQL("f.")) AND f.due_at <= ?2
                """, arguments: [asOf.millis, dueBy?.millis ?? Int64.max]
        ).compactMap { row -> OpenFlagLine? in
            guard let kind = FlagKind(rawValue: row[1]) else { return nil }
            let due = Date(millis: row[3])
            let youngest: Int = row[9]
            return OpenFlagLine(
                caseId: CaseID(row[0] as Int64), flag: FlagKey(kind, about: (row[11] as String?).map(Subject.init(rawValue:))),
                raisedAt: Date(millis: row[2]), dueAt: due,
                overdue: asOf > due,
                claimedBy: row[4], caseClosed: row[5] == "closed", grade: Grade(rawValue: row[6]) ?? .low,
                imminentDanger: row[7] == BacklogKey.imminentRank(true), childAccess: TriState(backlogRank: row[8]) ?? .unknown,
                youngestChildAge: youngest == BacklogKey.unknownAgeRank ? nil : youngest, receivedAt: Date(millis: row[10]),
                contact: kind.contact(at: asOf, calendar: targets.calendar))
        }.sorted { $0.order < $1.order }
    }

    /// Flags still deferred at `asOf` (their review time to come), with the latest deferral of each.
    private func deferrals(_ db: Database, asOf: Date) throws -> [DeferralLine] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT d.case_id, d.flag_kind, d.officer, d.at, d.detail, d.review_by, d.flag_about FROM decisions d
                JOIN flags f ON f.case_id = d.case_id AND f.kind = d.flag_kind AND f.about IS d.flag_about AND f.state = 'deferred' AND f.due_at > ?
                WHERE d.kind = 'defer' AND d.id = (
                    SELECT MAX(id) FROM decisions WHERE case_id = d.case_id AND kind = 'defer' AND flag_kind = d.flag_kind AND flag_about IS d.flag_about)
                ORDER BY d.review_by, d.id
                """, arguments: [asOf.millis]
        ).compactMap { row in
            guard let kind = FlagKind(rawValue: row[1]) else { return nil }
            return DeferralLine(
                caseId: CaseID(row[0] as Int64), flag: FlagKey(kind, about: (row[6] as String?).map(Subject.init(rawValue:))), by: row[2],
                at: Date(millis: row[3]), reason: row[4],
                reviewBy: Date(millis: row[5]))
        }
    }

    /// Checks by source and state, from the counts triggers keep beside the checks (the dashboard leaves
    /// done ones out).
    func checkCounts(_ db: Database, includingDone: Bool) throws -> [String: [CheckState: Int]] {
        var counts: [String: [CheckState: Int]] = [:]
        let filter = includingDone ? "WHERE n > 0" : "WHERE n > 0 AND state <> 'done'"
        for row in try Row.fetchAll(db, sql: "SELECT source, state, n FROM check_counts \(filter)") {
            if let state = CheckState(rawValue: row[1]) { counts[row[0], default: [:]][state] = row[2] }
        }
        return counts
    }

    /// Sources with pending checks whose last attempt failed, by name. SQLite takes a bare column from
    /// the row holding `MAX(...)`, so `last_error` is the failure whose retry is due latest.
    static func failingSources(_ db: Database) throws -> [SourceTrouble] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT source, COUNT(*), MAX(next_attempt_at), last_error, MIN(next_attempt_at) FROM checks
                WHERE state = 'pending' AND last_error IS NOT NULL GROUP BY source ORDER BY source
                """
        ).map { row in
            SourceTrouble(source: row[0], retrying: row[1], lastError: row[3] ?? "", nextAttemptAt: Date(millis: row[4]))
        }
    }

    /// A day's figures: open cases by effective grade at `end`, referrals received and cases closed from
    /// `dayStart` to `end`.
    private func snapshotCounts(_ db: Database, dayStart: Date, until end: Date) throws -> (open: [Grade: Int], received: Int, closed: Int) {
        let closes = "SELECT case_id, MIN(at) AS at FROM decisions WHERE kind = 'close' GROUP BY case_id"
        var open: [Grade: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT \(effectiveRankSQL) AS effective, COUNT(*) FROM cases LEFT JOIN (\(closes)) closed ON closed.case_id = cases.id
                WHERE received_at < ? AND (closed.at IS NULL OR closed.at >= ?) GROUP BY effective
                """, arguments: StatementArguments(effectiveRankArguments(end) + [end.millis, end.millis]))
        {
            if let grade = Grade(rawValue: row[0]) { open[grade] = row[1] }
        }
        let received =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM referrals WHERE received_at >= ? AND received_at < ?",
                arguments: [dayStart.millis, end.millis]) ?? 0
        let closed =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM (\(closes)) WHERE at >= ? AND at < ?",
                arguments: [dayStart.millis, end.millis]) ?? 0
        return (open, received, closed)
    }
}
