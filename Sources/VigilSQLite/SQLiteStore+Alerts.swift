#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import GRDB
import VigilCore
public import VigilStore

extension SQLiteStore {
    /// Writes each alert as pending, due at once, unless an alert of its id exists (`alerts.alert_id` is
    /// unique), in the caller's transaction; returns how many were new.
    @discardableResult
    static func insertAlerts(_ db: Database, _ alerts: [Alert]) throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        var written = 0
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO alerts (
                    alert_id, kind, case_id, grade_rank, flag_kind, due_at, message, raised_at, next_attempt_at, flag_ref)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?8, ?8, ?9)
                """)
        for alert in alerts {
            try insert.run(
                .text(alert.alertId), .text(alert.kind.rawValue), .integer(alert.caseId.rawValue), .integer(alert.grade.rawValue),
                alert.flag.map { .text($0.rawValue) } ?? .null, .integer(alert.dueAt?.millis), .text(alert.message), .integer(alert.raisedAt.millis),
                .text(alert.flagRef))
            written += db.changesCount
        }
        return written
    }

    public func raiseTimedAlerts(now: Date) async throws -> Int {
        try await writeImmediate { db in
            let alerts = try Row.fetchAll(
                db,
                sql: """
                    SELECT f.case_id, f.kind, f.state, f.due_at, c.grade_rank, f.about FROM flags f JOIN cases c ON c.id = f.case_id
                    WHERE f.state IN ('open', 'deferred') AND f.due_at <= ?
                    """, arguments: [now.millis]
            ).compactMap { row -> Alert? in
                guard let kind = FlagKind(rawValue: row[1]), let state = FlagState(rawValue: row[2]) else { return nil }
                return AlertRules.timed(
                    flag: FlagKey(kind, about: (row[5] as String?).map(Subject.init(rawValue:))), state: state, dueAt: Date(millis: row[3]),
                    caseId: CaseID(row[0] as Int64),
                    grade: Grade(rawValue: row[4]) ?? .low, asOf: now)
            }
            return try Self.insertAlerts(db, alerts)
        }
    }

    public func leaseAlerts(now: Date, until: Date, limit: Int) async throws -> [AlertLease] {
        try await writeImmediate { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE alerts SET attempts = attempts + 1, next_attempt_at = ?2
                    WHERE id IN (SELECT id FROM alerts WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?3)
                    RETURNING \(Self.alertColumns), attempts
                    """, arguments: [now.millis, until.millis, limit]
            ).compactMap { row in Self.alert(row).map { AlertLease(alert: $0, attempt: row[9]) } }
        }
    }

    public func recordAlertAttempt(_ lease: AlertLease, outcome: AlertAttemptOutcome, at: Date) async throws -> Bool {
        try await writeImmediate { db in
            let (state, next, delivered, error): (AlertState, Int64?, Int64?, String?) =
                switch outcome {
                case .delivered: (.delivered, nil, at.millis, nil)
                case .retry(let retryAt, let error): (.pending, retryAt.millis, nil, error)
                case .failed(let error): (.failed, nil, nil, error)
                }
            try db.execute(
                sql: """
                    UPDATE alerts SET state = ?, next_attempt_at = ?, delivered_at = ?, last_error = COALESCE(?, last_error)
                    WHERE alert_id = ? AND state = 'pending' AND attempts = ?
                    """, arguments: [state.rawValue, next, delivered, error, lease.alert.alertId, lease.attempt])
            return db.changesCount == 1
        }
    }

    public func alerts(state: AlertState?, limit: Int) async throws -> [AlertRecord] {
        try await pool.read { db in try Self.alertRecords(db, state: state, limit: limit) }
    }

    /// Alerts in `state` (every state when nil), newest first, at most `limit`.
    static func alertRecords(_ db: Database, state: AlertState?, limit: Int) throws -> [AlertRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.alertColumns), attempts, state, next_attempt_at, delivered_at, last_error FROM alerts
                WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2
                """, arguments: [state?.rawValue, limit]
        ).compactMap { row in
            Self.alert(row).map {
                AlertRecord(
                    alert: $0, state: AlertState(rawValue: row[10]) ?? .pending, attempts: row[9],
                    nextAttemptAt: (row[11] as Int64?).map(Date.init(millis:)), deliveredAt: (row[12] as Int64?).map(Date.init(millis:)),
                    lastError: row[13])
            }
        }
    }

    public func alertCounts() async throws -> [AlertState: Int] {
        try await pool.read { db in try Self.alertCounts(db) }
    }

    /// How many alerts are in each state.
    static func alertCounts(_ db: Database) throws -> [AlertState: Int] {
        var counts: [AlertState: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM alerts GROUP BY state") {
            if let state = AlertState(rawValue: row[0]) { counts[state] = row[1] }
        }
        return counts
    }

    public func retryFailedAlerts(now: Date) async throws -> Int {
        try await writeImmediate { db in
            try db.execute(sql: "UPDATE alerts SET state = 'pending', next_attempt_at = ? WHERE state = 'failed'", arguments: [now.millis])
            return db.changesCount
        }
    }

    public func nextAlertAttempt() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM alerts WHERE state = 'pending'").map(Date.init(millis:))
        }
    }

    /// The columns `alert(_:)` reads, in its order.
    private static let alertColumns = "alert_id, kind, case_id, grade_rank, flag_kind, due_at, message, raised_at, flag_ref"

    /// An alert from `alertColumns`.
    private static func alert(_ row: Row) -> Alert? {
        guard let kind = AlertKind(rawValue: row[1]) else { return nil }
        var alert = Alert(
            kind: kind, caseId: CaseID(row[2] as Int64), grade: Grade(rawValue: row[3]) ?? .low,
            flag: (row[4] as String?).flatMap(FlagKind.init).map { FlagKey($0) },
            dueAt: (row[5] as Int64?).map(Date.init(millis:)), raisedAt: Date(millis: row[7]))
        alert.alertId = row[0]
        alert.message = row[6]
        alert.flagRef = row[8]
        return alert
    }
}
