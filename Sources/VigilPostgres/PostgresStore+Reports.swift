#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Every dashboard figure in one snapshot (so the matrix, the lists and the counts agree).
    public func supervisorOverview(asOf: Date, limit: Int) async throws -> SupervisorOverview {
        try await snapshot { connection in
            let calls = try await self.firstCalls(connection, asOf: asOf, limit: limit)
            var urgent: [CaseLine] = []
            var urgentTotal = 0
            for grade in Grade.urgent {
                let cut = asOf.millis - Int64(self.targets.target(for: grade) * 1000)
                urgentTotal += try await connection.rows(
                    "SELECT COUNT(*)::bigint FROM cases WHERE status = 'open' AND grade_rank = \(grade.rawValue) AND received_at < \(cut)",
                    logger: self.logger)[0].decode(Int.self)
                urgent += try await self.lines(
                    connection, asOf: asOf, CaseQuery("status = 'open' AND grade_rank = ? AND received_at < ?", grade.rawValue, cut),
                    order: "received_at, id", limit: limit)
            }
            let alerts = try await connection.rows(
                "SELECT state, COUNT(*)::bigint FROM alerts GROUP BY state", logger: self.logger
            ).reduce(into: [AlertState: Int]()) { counts, row in
                let (state, count) = try row.decode((String, Int).self)
                if let state = AlertState(rawValue: state) { counts[state] = count }
            }
            return SupervisorOverview(
                aged: try await self.aged(connection, asOf: asOf),
                openFlags: calls.lines,
                openFlagCount: calls.total,
                deferrals: try await self.deferrals(connection, asOf: asOf),
                oldest: try await self.lines(connection, asOf: asOf, CaseQuery("status = 'open'"), order: "received_at, id", limit: limit),
                overdueUrgent: Array(urgent.sorted { ($0.receivedAt, $0.caseId) < ($1.receivedAt, $1.caseId) }.prefix(limit)),
                overdueUrgentCount: urgentTotal,
                held: try await self.lines(
                    connection, asOf: asOf, CaseQuery("status = 'open' AND claimed_by IS NOT NULL"), order: "claimed_by, claimed_at, id", limit: nil),
                checks: try await self.checkCounts(connection, includingDone: false),
                failingSources: try await self.failingSources(connection),
                strategyOverdue: try await self.strategyOverdue(connection, asOf: asOf, limit: limit),
                alerts: alerts,
                failedAlerts: try await self.alerts(state: .failed, limit: limit))
        }
    }

    public func agedBacklog(asOf: Date) async throws -> AgedBacklog {
        try await snapshot { try await self.aged($0, asOf: asOf) }
    }

    public func openCalls(asOf: Date) async throws -> [OpenFlagLine] {
        try await snapshot { try await self.openCalls($0, asOf: asOf) }
    }

    /// A page of the open cases matching `filter`, in waiting order (longest first), and how many match.
    public func caseLines(_ filter: CaseFilter, asOf: Date, offset: Int, limit: Int) async throws -> CaseLinePage {
        var query = CaseQuery("status = 'open'")
        if let grade = filter.effectiveGrade {
            query.and("CASE WHEN promoted_rank IS NOT NULL AND due_at < ? THEN promoted_rank ELSE grade_rank END = ?", asOf.millis, grade.rawValue)
        }
        if let band = filter.band {
            query.and("received_at <= ?", asOf.millis - Int64(band.lowerBound * 1000))
            if let upper = band.upperBound { query.and("received_at > ?", asOf.millis - Int64(upper * 1000)) }
        }
        if filter.overdueOnly { query.and("due_at < ?", asOf.millis) }
        if let holder = filter.holder { query.and("claimed_by = ?", holder) }
        let condition = query
        return try await snapshot { connection in
            let total = try await connection.rows(condition.query(prefix: "SELECT COUNT(*)::bigint FROM cases WHERE "), logger: self.logger)[0]
                .decode(Int.self)
            let lines = try await self.lines(connection, asOf: asOf, condition, order: "received_at, id", limit: limit, offset: offset)
            return CaseLinePage(lines: lines, total: total)
        }
    }

    /// Records today's snapshot and rebuilds any missing earlier day (back to the oldest case's receipt, at
    /// most `maxDays` days), each day counted in a snapshot of its own and stored with one upsert.
    public func recordDailySnapshots(now: Date, maxDays: Int) async throws {
        let today = DayText.start(of: now)
        let recorded = Set(try await rows("SELECT day FROM daily_snapshots").map { try $0.decode(String.self) })
        let earliest = try await rows("SELECT MIN(received_at) FROM cases")[0].decode(Int64?.self).map(Date.init(millis:)) ?? now
        var day = max(DayText.start(of: earliest), today.addingTimeInterval(-Double(maxDays) * 86_400))
        while day <= today {
            let (start, live) = (day, day == today)
            if live || !recorded.contains(DayText.format(start)) {
                let end = live ? now : start.addingTimeInterval(86_400)
                let counts = try await snapshot { try await self.snapshotCounts($0, dayStart: start, until: end) }
                _ = try await rows(
                    """
                    INSERT INTO daily_snapshots (day, taken_at, very_high, high, medium, low, referrals_in, closed, reconstructed)
                    VALUES (\(DayText.format(start)), \(end.millis), \(counts.open[.veryHigh] ?? 0), \(counts.open[.high] ?? 0),
                        \(counts.open[.medium] ?? 0), \(counts.open[.low] ?? 0), \(counts.received), \(counts.closed), \(!live))
                    ON CONFLICT (day) DO UPDATE SET taken_at = excluded.taken_at, very_high = excluded.very_high, high = excluded.high,
                        medium = excluded.medium, low = excluded.low, referrals_in = excluded.referrals_in, closed = excluded.closed,
                        reconstructed = excluded.reconstructed
                    """)
            }
            day = day.addingTimeInterval(86_400)
        }
    }

    public func dailySnapshots(since: String) async throws -> [DailySnapshot] {
        try await rows(
            "SELECT day, very_high, high, medium, low, referrals_in, closed, reconstructed FROM daily_snapshots WHERE day >= \(since) ORDER BY day"
        ).map { row in
            let (day, veryHigh, high, medium, low, received, closed, reconstructed) = try row.decode(
                (String, Int, Int, Int, Int, Int, Int, Bool).self)
            return DailySnapshot(
                day: day, open: [.veryHigh: veryHigh, .high: high, .medium: medium, .low: low], referralsIn: received, closed: closed,
                reconstructed: reconstructed)
        }
    }

    /// Hands an open case to `officer` (a supervisor's reassignment), closing the previous holder's claim.
    public func reassign(_ id: CaseID, to officer: String, by actor: AuditActor, at: Date) async throws {
        try await audited { connection in
            guard try await self.requireCase(connection, id).status == "open" else { throw StoreError(.invalidState, "case \(id) is closed") }
            try await connection.run(
                "UPDATE claims SET released_at = \(at.millis) WHERE case_id = \(id.rawValue) AND released_at IS NULL", logger: self.logger)
            try await connection.run(
                "UPDATE cases SET claimed_by = \(officer), claimed_at = \(at.millis), updated_at = \(at.millis) WHERE id = \(id.rawValue)",
                logger: self.logger)
            try await connection.run(
                "INSERT INTO claims (case_id, officer, claimed_at) VALUES (\(id.rawValue), \(officer), \(at.millis))", logger: self.logger)
            try await self.insertAudit(connection, AuditEvent(at: at, by: actor, .caseReassign, caseId: id, detail: "to \(officer)"))
        }
    }

    /// The aged-backlog matrix, counted by ranges of receipt times (`AgedBacklogRanges`).
    private func aged(_ connection: PostgresConnection, asOf: Date) async throws -> AgedBacklog {
        let matrix = AgedBacklogRanges(targets: targets, asOf: asOf)
        var counts: [Int] = []
        for range in matrix.ranges {
            counts.append(
                try await connection.rows(
                    """
                    SELECT COUNT(*)::bigint FROM cases WHERE status = 'open' AND grade_rank = \(range.grade.rawValue)
                        AND received_at >= \(range.start) AND received_at < \(range.end)
                    """, logger: logger)[0].decode(Int.self))
        }
        return matrix.matrix(counts: counts)
    }

    /// Case lines matching `condition`, in `order`.
    private func lines(
        _ connection: PostgresConnection, asOf: Date, _ condition: CaseQuery, order: String, limit: Int?, offset: Int = 0
    ) async throws -> [CaseLine] {
        var query = condition
        query.suffix(" ORDER BY \(order) LIMIT ? OFFSET ?", limit.map(Int64.init), Int64(offset))
        query.prefixBind(asOf.millis)
        return try await connection.rows(
            query.query(
                prefix: """
                    SELECT id, grade_rank, CASE WHEN promoted_rank IS NOT NULL AND due_at < $1 THEN promoted_rank ELSE grade_rank END,
                        provisional, received_at, claimed_by, claimed_at, research_failed FROM cases WHERE
                    """), logger: logger
        ).map { row in
            let (id, gradeRank, effective, provisional, receivedAt, holder, claimedAt, failed) = try row.decode(
                (Int64, Int, Int, Bool, Int64, String?, Int64?, String).self)
            let grade = Grade(rawValue: gradeRank) ?? .low
            let received = Date(millis: receivedAt)
            let due = targets.dueAt(grade: grade, receivedAt: received)
            return CaseLine(
                caseId: CaseID(id), grade: grade, effectiveGrade: Grade(rawValue: effective) ?? grade, provisional: provisional,
                researchIncomplete: !failed.isEmpty, receivedAt: received, dueAt: due, overdue: asOf > due, claimedBy: holder,
                claimedAt: claimedAt.map(Date.init(millis:)))
        }
    }

    /// Open Very High cases with child access, flagged more than `StrategyRules.window` before `asOf` and
    /// with no strategy discussion, longest overdue first.
    private func strategyOverdue(_ connection: PostgresConnection, asOf: Date, limit: Int) async throws -> [StrategyLine] {
        try await connection.rows(
            """
            SELECT c.id, MIN(f.raised_at) AS flagged, c.claimed_by FROM cases c JOIN flags f ON f.case_id = c.id
            WHERE c.status = 'open' AND c.grade_rank = \(Grade.veryHigh.rawValue) AND c.access_rank = \(TriState.yes.backlogRank)
                AND NOT EXISTS (SELECT 1 FROM strategy_discussions s WHERE s.case_id = c.id)
            GROUP BY c.id HAVING MIN(f.raised_at) < \((asOf - StrategyRules.window).millis) ORDER BY flagged, c.id LIMIT \(limit)
            """, logger: logger
        ).map { row in
            let (id, flaggedAt, holder) = try row.decode((Int64, Int64, String?).self)
            let flagged = Date(millis: flaggedAt)
            return StrategyLine(caseId: CaseID(id), flaggedAt: flagged, dueAt: flagged + StrategyRules.window, claimedBy: holder)
        }
    }

    /// Whether a flag's call is to be made at `asOf`: the flag is open, or deferred with its review time (its
    /// stored due time) passed (`FlagLifecycle.standing`). `table` qualifies the columns (`"f."`).
    static func callOpenSQL(asOf: Date, _ table: String = "") -> String {
        "(\(table)state = 'open' OR (\(table)state = 'deferred' AND \(table)due_at <= \(asOf.millis)))"
    }

    /// The first `limit` calls to make at `asOf` in `CallOrder`, and how many there are: only the calls
    /// due by the `limit`-th due time, ties included, are read and ordered (as `SQLiteStore` does).
    private func firstCalls(_ connection: PostgresConnection, asOf: Date, limit: Int) async throws -> (lines: [OpenFlagLine], total: Int) {
        let open = Self.callOpenSQL(asOf: asOf)
        let total = try await connection.rows("SELECT COUNT(*)::bigint FROM flags WHERE \(unescaped: open)", logger: logger)[0].decode(Int.self)
        guard limit > 0 else { return ([], total) }
        let lastDue = try await connection.rows(
            "SELECT due_at FROM flags WHERE \(unescaped: open) ORDER BY due_at LIMIT 1 OFFSET \(limit - 1)", logger: logger
        ).first?.decode(Int64.self)
        return (Array(try await openCalls(connection, asOf: asOf, dueBy: lastDue.map(Date.init(millis:))).prefix(limit)), total)
    }

    /// Calls to make at `asOf` (open flags, and deferred ones past their review), on open and closed
    /// cases, due by `dueBy` when given, in `CallOrder`.
    private func openCalls(_ connection: PostgresConnection, asOf: Date, dueBy: Date? = nil) async throws -> [OpenFlagLine] {
        try await connection.rows(
            """
            SELECT f.case_id, f.kind, f.about, f.raised_at, f.due_at, c.claimed_by, c.status,
                CASE WHEN c.promoted_rank IS NOT NULL AND c.due_at < \(asOf.millis) THEN c.promoted_rank ELSE c.grade_rank END, c.imminent_rank,
                c.access_rank, c.youngest_rank, c.received_at
            FROM flags f JOIN cases c ON c.id = f.case_id
            WHERE \(unescaped: Self.callOpenSQL(asOf: asOf, "f.")) AND f.due_at <= \(dueBy?.millis ?? Int64.max)
            """, logger: logger
        ).compactMap { row -> OpenFlagLine? in
            let (caseId, kind, about, raised, dueAt, holder, status, grade, imminent, access, youngest, received) = try row.decode(
                (Int64, String, String?, Int64, Int64, String?, String, Int, Int, Int, Int, Int64).self)
            guard let kind = FlagKind(rawValue: kind) else { return nil }
            let due = Date(millis: dueAt)
            return OpenFlagLine(
                caseId: CaseID(caseId), flag: FlagKey(kind, about: about.map(Subject.init(rawValue:))), raisedAt: Date(millis: raised), dueAt: due,
                overdue: asOf > due, claimedBy: holder, caseClosed: status == "closed", grade: Grade(rawValue: grade) ?? .low,
                imminentDanger: imminent == BacklogKey.imminentRank(true), childAccess: TriState(backlogRank: access) ?? .unknown,
                youngestChildAge: youngest == BacklogKey.unknownAgeRank ? nil : youngest, receivedAt: Date(millis: received),
                contact: kind.contact(at: asOf, calendar: targets.calendar))
        }.sorted { $0.order < $1.order }
    }

    /// Flags still deferred at `asOf` (their review time to come), with the latest deferral of each.
    private func deferrals(_ connection: PostgresConnection, asOf: Date) async throws -> [DeferralLine] {
        try await connection.rows(
            """
            SELECT DISTINCT ON (d.case_id, d.flag_kind, d.flag_about) d.case_id, d.flag_kind, d.flag_about, d.officer, d.at, d.detail, d.review_by
            FROM decisions d
            JOIN flags f ON f.case_id = d.case_id AND f.kind = d.flag_kind AND f.about IS NOT DISTINCT FROM d.flag_about
                AND f.state = 'deferred' AND f.due_at > \(asOf.millis)
            WHERE d.kind = 'defer'
            ORDER BY d.case_id, d.flag_kind, d.flag_about, d.id DESC
            """, logger: logger
        ).compactMap { row -> DeferralLine? in
            let (caseId, kind, about, officer, at, reason, review) = try row.decode((Int64, String, String?, String, Int64, String, Int64).self)
            guard let kind = FlagKind(rawValue: kind) else { return nil }
            return DeferralLine(
                caseId: CaseID(caseId), flag: FlagKey(kind, about: about.map(Subject.init(rawValue:))), by: officer, at: Date(millis: at),
                reason: reason, reviewBy: Date(millis: review))
        }.sorted { ($0.reviewBy, $0.at) < ($1.reviewBy, $1.at) }
    }

    /// Sources with pending checks whose last attempt failed, with the latest error of each.
    private func failingSources(_ connection: PostgresConnection) async throws -> [SourceTrouble] {
        try await connection.rows(
            """
            SELECT source, COUNT(*)::bigint, (array_agg(last_error ORDER BY next_attempt_at DESC))[1], MIN(next_attempt_at) FROM checks
            WHERE state = 'pending' AND last_error IS NOT NULL GROUP BY source ORDER BY source
            """, logger: logger
        ).map { row in
            let (source, retrying, lastError, next) = try row.decode((String, Int, String?, Int64).self)
            return SourceTrouble(source: source, retrying: retrying, lastError: lastError ?? "", nextAttemptAt: Date(millis: next))
        }
    }

    /// A day's figures: open cases by effective grade at `end`, referrals received and cases closed from
    /// `dayStart` to `end`.
    private func snapshotCounts(
        _ connection: PostgresConnection, dayStart: Date, until end: Date
    ) async throws -> (open: [Grade: Int], received: Int, closed: Int) {
        var open: [Grade: Int] = [:]
        for row in try await connection.rows(
            """
            SELECT CASE WHEN promoted_rank IS NOT NULL AND due_at < \(end.millis) THEN promoted_rank ELSE grade_rank END AS effective,
                COUNT(*)::bigint
            FROM cases LEFT JOIN (SELECT case_id, MIN(at) AS at FROM decisions WHERE kind = 'close' GROUP BY case_id) closed
                ON closed.case_id = cases.id
            WHERE received_at < \(end.millis) AND (closed.at IS NULL OR closed.at >= \(end.millis)) GROUP BY 1
            """, logger: logger)
        {
            let (grade, count) = try row.decode((Int, Int).self)
            if let grade = Grade(rawValue: grade) { open[grade] = count }
        }
        let received = try await connection.rows(
            "SELECT COUNT(*)::bigint FROM referrals WHERE received_at >= \(dayStart.millis) AND received_at < \(end.millis)", logger: logger)[0]
            .decode(Int.self)
        let closed = try await connection.rows(
            """
            SELECT COUNT(*)::bigint FROM (SELECT case_id, MIN(at) AS at FROM decisions WHERE kind = 'close' GROUP BY case_id) closes
            WHERE at >= \(dayStart.millis) AND at < \(end.millis)
            """, logger: logger)[0].decode(Int.self)
        return (open, received, closed)
    }
}
