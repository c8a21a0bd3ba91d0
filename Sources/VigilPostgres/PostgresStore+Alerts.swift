#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import PostgresNIO
import VigilCore
public import VigilStore

/// The alert outbox across processes: alerts are written in the transaction of their event (one row per
/// `alertId`), leased for delivery under `SKIP LOCKED` and fenced on their attempt, as in the SQLite store.
extension PostgresStore {
    public func raiseTimedAlerts(now: Date) async throws -> Int {
        try await transaction { connection in
            let alerts = try await connection.rows(
                """
                SELECT f.case_id, f.kind, f.about, f.state, f.due_at, c.grade_rank FROM flags f JOIN cases c ON c.id = f.case_id
                WHERE f.state IN ('open', 'deferred') AND f.due_at <= \(now.millis)
                """, logger: self.logger
            ).compactMap { row -> Alert? in
                let (caseId, kind, about, state, due, grade) = try row.decode((Int64, String, String?, String, Int64, Int).self)
                guard let kind = FlagKind(rawValue: kind), let state = FlagState(rawValue: state) else { return nil }
                return AlertRules.timed(
                    flag: FlagKey(kind, about: about.map(Subject.init(rawValue:))), state: state, dueAt: Date(millis: due), caseId: CaseID(caseId),
                    grade: Grade(rawValue: grade) ?? .low, asOf: now)
            }
            return try await self.insertAlerts(connection, alerts)
        }
    }

    public func leaseAlerts(now: Date, until: Date, limit: Int) async throws -> [AlertLease] {
        try await rows(
            """
            UPDATE alerts SET attempts = attempts + 1, next_attempt_at = \(until.millis)
            WHERE id IN (
                SELECT id FROM alerts WHERE state = 'pending' AND next_attempt_at <= \(now.millis) ORDER BY next_attempt_at, id
                LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.alertColumns), attempts
            """
        ).compactMap { row in
            let attempt = try row.makeRandomAccess()[9].decode(Int.self)
            return try Self.alert(row).map { AlertLease(alert: $0, attempt: attempt) }
        }
    }

    public func recordAlertAttempt(_ lease: AlertLease, outcome: AlertAttemptOutcome, at: Date) async throws -> Bool {
        let (state, next, delivered, error): (AlertState, Int64?, Int64?, String?) =
            switch outcome {
            case .delivered: (.delivered, nil, at.millis, nil)
            case .retry(let retryAt, let error): (.pending, retryAt.millis, nil, error)
            case .failed(let error): (.failed, nil, nil, error)
            }
        return try await rows(
            """
            UPDATE alerts SET state = \(state.rawValue), next_attempt_at = \(next), delivered_at = \(delivered),
                last_error = COALESCE(\(error), last_error)
            WHERE alert_id = \(lease.alert.alertId) AND state = 'pending' AND attempts = \(lease.attempt) RETURNING id
            """
        ).count == 1
    }

    public func alerts(state: AlertState?, limit: Int) async throws -> [AlertRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.alertColumns), attempts, state, next_attempt_at, delivered_at, last_error FROM alerts
            WHERE \(state?.rawValue)::text IS NULL OR state = \(state?.rawValue) ORDER BY id DESC LIMIT \(limit)
            """
        ).compactMap { row in
            guard let alert = try Self.alert(row) else { return nil }
            let columns = row.makeRandomAccess()
            let attempts = try columns[9].decode(Int.self)
            let state = try columns[10].decode(String.self)
            let next = try columns[11].decode(Int64?.self)
            let delivered = try columns[12].decode(Int64?.self)
            let lastError = try columns[13].decode(String?.self)
            return AlertRecord(
                alert: alert, state: AlertState(rawValue: state) ?? .pending, attempts: attempts, nextAttemptAt: next.map(Date.init(millis:)),
                deliveredAt: delivered.map(Date.init(millis:)), lastError: lastError)
        }
    }

    public func alertCounts() async throws -> [AlertState: Int] {
        var counts: [AlertState: Int] = [:]
        for row in try await rows("SELECT state, COUNT(*)::bigint FROM alerts GROUP BY state") {
            let (state, count) = try row.decode((String, Int).self)
            if let state = AlertState(rawValue: state) { counts[state] = count }
        }
        return counts
    }

    public func retryFailedAlerts(now: Date) async throws -> Int {
        try await rows("UPDATE alerts SET state = 'pending', next_attempt_at = \(now.millis) WHERE state = 'failed' RETURNING id").count
    }

    public func nextAlertAttempt() async throws -> Date? {
        try await rows("SELECT MIN(next_attempt_at) FROM alerts WHERE state = 'pending'")[0].decode(Int64?.self).map(Date.init(millis:))
    }

    /// The columns `alert(_:)` reads, in its order.
    static let alertColumns = "alert_id, kind, case_id, grade_rank, flag_kind, due_at, message, raised_at, flag_ref"

    /// An alert from `alertColumns`.
    static func alert(_ row: PostgresRow) throws -> Alert? {
        let columns = row.makeRandomAccess()
        guard let kind = AlertKind(rawValue: try columns[1].decode(String.self)) else { return nil }
        var alert = Alert(
            kind: kind, caseId: CaseID(try columns[2].decode(Int64.self)), grade: Grade(rawValue: try columns[3].decode(Int.self)) ?? .low,
            flag: try columns[4].decode(String?.self).flatMap(FlagKind.init).map { FlagKey($0) },
            dueAt: try columns[5].decode(Int64?.self).map(Date.init(millis:)), raisedAt: Date(millis: try columns[7].decode(Int64.self)))
        alert.alertId = try columns[0].decode(String.self)
        alert.message = try columns[6].decode(String.self)
        alert.flagRef = try columns[8].decode(String?.self)
        return alert
    }
}
