#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import VigilCore

extension MemoryStore {
    /// Writes `alert` as pending, due at once, unless an alert of its id exists.
    func write(_ alert: Alert) {
        guard alertIndexes[alert.alertId] == nil else { return }
        var stored = alert
        stored.raisedAt = alert.raisedAt.storedInstant
        stored.dueAt = alert.dueAt?.storedInstant
        alertIndexes[alert.alertId] = alertRows.count
        alertRows.append(
            AlertRecord(alert: stored, state: .pending, attempts: 0, nextAttemptAt: stored.raisedAt, deliveredAt: nil, lastError: nil))
    }

    public func raiseTimedAlerts(now: Date) async throws -> Int {
        let before = alertRows.count
        for flag in flags {
            let grade = cases[flag.caseId]!.grade
            if let alert = AlertRules.timed(
                flag: flag.key, state: flag.state, dueAt: flag.dueAt, caseId: CaseID(flag.caseId), grade: grade, asOf: now)
            {
                write(alert)
            }
        }
        return alertRows.count - before
    }

    public func leaseAlerts(now: Date, until: Date, limit: Int) async throws -> [AlertLease] {
        let due = alertRows.indices.filter { alertRows[$0].state == .pending && alertRows[$0].nextAttemptAt! <= now }
            .sorted { (alertRows[$0].nextAttemptAt!, $0) < (alertRows[$1].nextAttemptAt!, $1) }
            .prefix(limit)
        return due.map { index in
            alertRows[index].attempts += 1
            alertRows[index].nextAttemptAt = until.storedInstant
            return AlertLease(alert: alertRows[index].alert, attempt: alertRows[index].attempts)
        }
    }

    public func recordAlertAttempt(_ lease: AlertLease, outcome: AlertAttemptOutcome, at: Date) async throws -> Bool {
        guard let index = alertIndexes[lease.alert.alertId], alertRows[index].state == .pending,
            alertRows[index].attempts == lease.attempt
        else { return false }
        switch outcome {
        case .delivered:
            alertRows[index].state = .delivered
            alertRows[index].deliveredAt = at.storedInstant
            alertRows[index].nextAttemptAt = nil
        case .retry(let retryAt, let error):
            alertRows[index].nextAttemptAt = retryAt.storedInstant
            alertRows[index].lastError = error
        case .failed(let error):
            alertRows[index].state = .failed
            alertRows[index].nextAttemptAt = nil
            alertRows[index].lastError = error
        }
        return true
    }

    public func alerts(state: AlertState?, limit: Int) async throws -> [AlertRecord] {
        Array(alertRows.reversed().filter { state == nil || $0.state == state }.prefix(limit))
    }

    public func alertCounts() async throws -> [AlertState: Int] {
        alertRows.reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    public func retryFailedAlerts(now: Date) async throws -> Int {
        let failed = alertRows.indices.filter { alertRows[$0].state == .failed }
        for index in failed {
            alertRows[index].state = .pending
            alertRows[index].nextAttemptAt = now.storedInstant
        }
        return failed.count
    }

    public func nextAlertAttempt() async throws -> Date? {
        alertRows.filter { $0.state == .pending }.compactMap(\.nextAttemptAt).min()
    }
}
