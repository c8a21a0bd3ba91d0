#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
public import VigilCore
public import VigilStore

extension PostgresStore {
    /// Open cases: unclaimed in backlog order at `asOf`, then claimed, read whole in one statement. The page
    /// is cut first, so only its cases' flags are gathered.
    public func backlog(asOf: Date, offset: Int, limit: Int?) async throws -> [BacklogEntry] {
        try await rows(
            """
            WITH page AS MATERIALIZED (
                SELECT c.*,
                    CASE WHEN c.promoted_rank IS NOT NULL AND c.due_at < \(asOf.millis) THEN c.promoted_rank ELSE c.grade_rank END AS listing_rank
                FROM cases c WHERE c.status = 'open'
                ORDER BY \(unescaped: Self.listingOrder) LIMIT \(limit.map(Int64.init)) OFFSET \(offset))
            SELECT \(unescaped: BacklogEntryRow.columns("c")) FROM \(unescaped: BacklogEntryRow.source("page", "c"))
            ORDER BY \(unescaped: Self.listingOrder)
            """
        ).enumerated().map { index, row in
            var entry = try BacklogEntryRow.decode(row, targets: targets, asOf: asOf)
            entry.position = offset + index + 1
            return entry
        }
    }

    /// The listing's order over a row source shaped like `cases` with its `listing_rank` (the effective
    /// grade's rank).
    static let listingOrder = "claimed_by IS NOT NULL, imminent_rank, listing_rank DESC, access_rank, youngest_rank, received_at, id"

    /// Counts by grade, effective grade, overdue, open flags and checks.
    public func backlogStatistics(asOf: Date) async throws -> BacklogStatistics {
        try await snapshot { connection in
            var statistics = BacklogStatistics(byGrade: [:], byEffectiveGrade: [:], overdue: 0, openFlags: [:], overdueFlags: 0, checks: [:])
            for row in try await connection.rows(
                """
                SELECT grade_rank, CASE WHEN promoted_rank IS NOT NULL AND due_at < \(asOf.millis) THEN promoted_rank ELSE grade_rank END AS effective,
                    COUNT(*)::bigint, COUNT(*) FILTER (WHERE due_at < \(asOf.millis))::bigint
                FROM cases WHERE status = 'open' GROUP BY 1, 2
                """, logger: self.logger)
            {
                let (grade, effective, count, overdue) = try row.decode((Int, Int, Int, Int).self)
                if let grade = Grade(rawValue: grade) { statistics.byGrade[grade, default: 0] += count }
                if let effective = Grade(rawValue: effective) { statistics.byEffectiveGrade[effective, default: 0] += count }
                statistics.overdue += overdue
            }
            for row in try await connection.rows(
                """
                SELECT kind, COUNT(*)::bigint, COUNT(*) FILTER (WHERE due_at < \(asOf.millis))::bigint FROM flags
                WHERE \(unescaped: Self.callOpenSQL(asOf: asOf)) GROUP BY kind
                """, logger: self.logger)
            {
                let (kind, count, overdue) = try row.decode((String, Int, Int).self)
                if let kind = FlagKind(rawValue: kind) { statistics.openFlags[kind] = count }
                statistics.overdueFlags += overdue
            }
            statistics.checks = try await self.checkCounts(connection, includingDone: true)
            return statistics
        }
    }

    /// Checks by source and state.
    func checkCounts(_ connection: PostgresConnection, includingDone: Bool) async throws -> [String: [CheckState: Int]] {
        var counts: [String: [CheckState: Int]] = [:]
        let filter = includingDone ? "" : "WHERE state <> 'done'"
        for row in try await connection.rows(
            "SELECT source, state, COUNT(*)::bigint FROM checks \(unescaped: filter) GROUP BY source, state", logger: logger)
        {
            let (source, state, count) = try row.decode((String, String, Int).self)
            if let state = CheckState(rawValue: state) { counts[source, default: [:]][state] = count }
        }
        return counts
    }

    /// Backlog entries (unnumbered) of the given cases.
    func entries(_ connection: PostgresConnection, caseIds: [Int64], asOf: Date) async throws -> [BacklogEntry] {
        guard !caseIds.isEmpty else { return [] }
        return try await connection.rows(
            "SELECT \(unescaped: BacklogEntryRow.columns("c")) FROM \(unescaped: BacklogEntryRow.source("cases", "c")) WHERE c.id = ANY(\(caseIds)::bigint[])",
            logger: logger
        ).map { try BacklogEntryRow.decode($0, targets: targets, asOf: asOf) }
    }

    /// Everything known about one case; an open case is numbered by counting the open cases ahead of it.
    public func caseDetail(_ id: CaseID, asOf: Date) async throws -> CaseDetail {
        try await snapshot { connection in
            var detail = try await self.detail(connection, id, asOf: asOf)
            guard detail.status == "open" else { return detail }
            let ahead = try await connection.rows(
                """
                WITH ranked AS (
                    SELECT id, claimed_by IS NOT NULL AS claimed, imminent_rank,
                        CASE WHEN promoted_rank IS NOT NULL AND due_at < \(asOf.millis) THEN promoted_rank ELSE grade_rank END AS effective,
                        access_rank, youngest_rank, received_at
                    FROM cases WHERE status = 'open')
                SELECT COUNT(*)::bigint FROM ranked other, ranked this WHERE this.id = \(id.rawValue)
                    AND (other.claimed, other.imminent_rank, -other.effective, other.access_rank, other.youngest_rank, other.received_at, other.id)
                        < (this.claimed, this.imminent_rank, -this.effective, this.access_rank, this.youngest_rank, this.received_at, this.id)
                """, logger: self.logger)[0].decode(Int.self)
            detail.summary.position = ahead + 1
            return detail
        }
    }

    private func detail(_ connection: PostgresConnection, _ id: CaseID, asOf: Date) async throws -> CaseDetail {
        let key = id.rawValue
        guard let status = try await connection.rows("SELECT status FROM cases WHERE id = \(key)", logger: logger).first?.decode(String.self),
            let summary = try await entries(connection, caseIds: [key], asOf: asOf).first
        else { throw StoreError(.notFound, "no case \(id)") }
        let referrals = try await connection.rows(
            "SELECT source, ref, received_at, imported_at, payload, supplements FROM referrals WHERE case_id = \(key) ORDER BY id", logger: logger
        ).map { row in
            let (source, ref, received, imported, payload, supplements) = try row.decode((String, String, Int64, Int64, String, String?).self)
            return ReferralRecord(
                source: ReferralSource(rawValue: source) ?? .nca, ref: ref, receivedAt: Date(millis: received), importedAt: Date(millis: imported),
                payload: payload, supplements: supplements)
        }
        let previous = try await connection.rows(
            """
            SELECT previous_case_id, closed_at, outcome FROM previous_cases WHERE case_id = \(key)
            ORDER BY closed_at DESC, previous_case_id DESC
            """, logger: logger
        ).map { row in
            let (caseId, closed, outcome) = try row.decode((Int64, Int64, String).self)
            return PreviousCase(caseId: CaseID(caseId), closedAt: Date(millis: closed), outcome: outcome)
        }
        let state = try await loadCase(connection, key, reading: true).state
        let assessments = try await connection.rows(
            "SELECT grade_rank, policy, path, provisional, pending_checks, trigger, at FROM assessments WHERE case_id = \(key) ORDER BY id",
            logger: logger
        ).map { row in
            let (grade, policy, path, provisional, pending, trigger, at) = try row.decode((Int, String, String, Bool, String, String, Int64).self)
            return AssessmentRecord(
                grade: Grade(rawValue: grade) ?? .low, policy: policy, path: path, provisional: provisional,
                pendingChecks: pending.isEmpty ? [] : pending.split(separator: ",").map(String.init), trigger: Provenance(rawValue: trigger),
                at: Date(millis: at))
        }
        let claims = try await connection.rows(
            "SELECT officer, claimed_at, released_at FROM claims WHERE case_id = \(key) ORDER BY id", logger: logger
        ).map { row in
            let (officer, claimed, released) = try row.decode((String, Int64, Int64?).self)
            return ClaimRecord(officer: officer, claimedAt: Date(millis: claimed), releasedAt: released.map(Date.init(millis:)))
        }
        let decisions = try await connection.rows(
            "SELECT kind, officer, at, flag_kind, detail, review_by, flag_about FROM decisions WHERE case_id = \(key) ORDER BY id", logger: logger
        ).map { row in
            let (kind, officer, at, flag, detail, review, about) = try row.decode((String, String, Int64, String?, String, Int64?, String?).self)
            return DecisionRecord(
                kind: kind, by: officer, at: Date(millis: at),
                flag: flag.flatMap(FlagKind.init(rawValue:)).map { FlagKey($0, about: about.map(Subject.init(rawValue:))) }, detail: detail,
                reviewBy: review.map(Date.init(millis:)))
        }
        let notifications = try await connection.rows(
            "SELECT flag_kind, officer, at, method, reference, flag_about FROM notifications WHERE case_id = \(key) ORDER BY id", logger: logger
        ).map { row in
            let (kind, officer, at, method, reference, about) = try row.decode((String, String, Int64, String, String, String?).self)
            return NotificationRecord(
                flag: FlagKey(FlagKind(rawValue: kind) ?? .socialCare, about: about.map(Subject.init(rawValue:))), by: officer,
                at: Date(millis: at), method: method, reference: reference)
        }
        let strategies = try await connection.rows(
            """
            SELECT held_at, attendees, outcome, note, officer, recorded_at FROM strategy_discussions WHERE case_id = \(key) ORDER BY held_at, id
            """, logger: logger
        ).map { row in
            let (held, attendees, outcome, note, officer, recorded) = try row.decode((Int64, String, String, String, String, Int64).self)
            return StrategyRecord(
                discussion: StrategyDiscussion(
                    heldAt: Date(millis: held), attendees: attendees.split(separator: ",").compactMap { CaseOutcome.trimmed(String($0)) },
                    outcome: StrategyOutcome(rawValue: outcome) ?? .singleAgency, note: note),
                by: officer, recordedAt: Date(millis: recorded))
        }
        let addresses = try await connection.rows(
            "SELECT address, address_type, provenance FROM case_addresses WHERE case_id = \(key) ORDER BY id", logger: logger
        ).map { row in
            let (address, type, provenance) = try row.decode((String, String?, String).self)
            return CaseAddress(
                address: Subject(rawValue: address), type: type.flatMap(AddressType.init(rawValue:)), provenance: Provenance(rawValue: provenance))
        }
        return CaseDetail(
            summary: summary, status: status, referrals: referrals, facts: FactKind.allCases.map { FactRecord($0, state.facts[$0]) },
            children: state.children, assessments: assessments, checks: try await checkRecords(connection, caseId: key), claims: claims,
            decisions: decisions, notifications: notifications, strategyDiscussions: strategies, previousCases: previous,
            addresses: AddressStanding.summarise(addresses))
    }

    /// The checks of a case, oldest first.
    func checkRecords(_ connection: PostgresConnection, caseId: Int64) async throws -> [CheckRecord] {
        try await connection.rows(
            "SELECT id, source, state, attempts, last_error, query, next_attempt_at, summary FROM checks WHERE case_id = \(caseId) ORDER BY id",
            logger: logger
        ).map { row in
            let (id, source, stateText, attempts, lastError, query, next, summary) = try row.decode(
                (Int64, String, String, Int, String?, String, Int64, String?).self)
            let state = CheckState(rawValue: stateText) ?? .pending
            return CheckRecord(
                id: id, caseId: CaseID(caseId), source: source, state: state, attempts: attempts, lastError: lastError, query: query,
                nextAttemptAt: state == .pending ? Date(millis: next) : nil, summary: summary)
        }
    }
}
