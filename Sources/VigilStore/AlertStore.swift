#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// Where an alert is in its delivery.
public enum AlertState: String, Sendable, Codable, CaseIterable {
    /// Written, not yet accepted by every webhook.
    case pending
    /// Every webhook accepted it (2xx).
    case delivered
    /// It ran out of attempts; `vigil alerts --retry-failed` queues it again.
    case failed
}

/// One leased delivery attempt of an alert. `attempt` fences the report as a check lease's does: an
/// attempt whose lease expired cannot overwrite a later one.
public struct AlertLease: Sendable, Hashable {
    /// The alert.
    public var alert: Alert
    /// This attempt's number (1-based).
    public var attempt: Int

    /// Creates a lease.
    public init(alert: Alert, attempt: Int) {
        self.alert = alert
        self.attempt = attempt
    }
}

/// What a delivery attempt came to.
public enum AlertAttemptOutcome: Sendable, Hashable {
    /// Every webhook accepted the alert.
    case delivered
    /// It failed; try again at the given time.
    case retry(at: Date, error: String)
    /// It failed and no attempts are left.
    case failed(error: String)
}

/// An alert and its delivery, as `vigil alerts` and the dashboard show it.
public struct AlertRecord: Sendable, Hashable, Codable {
    /// The alert (its payload).
    public var alert: Alert
    /// Its delivery state.
    public var state: AlertState
    /// Delivery attempts made so far.
    public var attempts: Int
    /// When the next attempt may start (pending alerts).
    public var nextAttemptAt: Date?
    /// When every webhook accepted it.
    public var deliveredAt: Date?
    /// The last attempt's error.
    public var lastError: String?

    /// Creates a record.
    public init(alert: Alert, state: AlertState, attempts: Int, nextAttemptAt: Date?, deliveredAt: Date?, lastError: String?) {
        self.alert = alert
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
    }
}

/// The durable alert outbox. Alerts that an evaluation calls for (`AlertRules.alerts`) are written in the
/// transaction that records the evaluation; every implementation keeps one alert per `alertId`.
public protocol AlertStore: Sendable {
    /// Writes the overdue and review-passed alerts that stored flags call for at `now`
    /// (`AlertRules.timed`), each once, in one transaction; returns how many were new.
    func raiseTimedAlerts(now: Date) async throws -> Int

    /// Leases up to `limit` pending alerts whose next attempt is due at `now`, oldest first, counting the
    /// attempt; none is leased again before `until`.
    func leaseAlerts(now: Date, until: Date, limit: Int) async throws -> [AlertLease]

    /// Records an attempt's outcome; false (and nothing written) when the lease was overtaken.
    @discardableResult
    func recordAlertAttempt(_ lease: AlertLease, outcome: AlertAttemptOutcome, at: Date) async throws -> Bool

    /// Alerts in `state` (every state when nil), newest first, at most `limit`.
    func alerts(state: AlertState?, limit: Int) async throws -> [AlertRecord]

    /// How many alerts are in each state.
    func alertCounts() async throws -> [AlertState: Int]

    /// Queues every failed alert again, due at `now`; returns how many.
    func retryFailedAlerts(now: Date) async throws -> Int

    /// When the earliest pending alert may next be attempted, nil when none is pending.
    func nextAlertAttempt() async throws -> Date?
}
