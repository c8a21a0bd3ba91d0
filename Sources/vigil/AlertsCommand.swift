import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil alerts [--state S] [--limit N] [--json] [--retry-failed]`: the alert outbox.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List alerts and their delivery (pending, delivered, failed), newest first; or queue failed ones again.",
        discussion: "vigil serve and vigil work deliver alerts to their --alert-url webhooks (docs/ALERTS.md)."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Only alerts in this state: pending, delivered or failed.")
    var state: String?

    @Option(help: "Show at most N alerts (default 50).", transform: NumberOption.listCount)
    var limit: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Queue every failed alert for delivery again.")
    var retryFailed = false

    @Option(help: "Who reads (or retries) the alerts, for the audit log (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let filter = try state.map { name in
            guard let state = AlertState(rawValue: name) else { throw ValidationError("--state: '\(name)' is not pending, delivered or failed") }
            return state
        }
        try await store.withStore { target in
            let actor = try CommandLineActor.actor(by)
            if retryFailed {
                let queued = try await target.retryFailedAlerts(now: Date())
                try await CommandLineActor.audit(target, actor: actor, action: .alertsRetry, caseId: nil, detail: "\(queued) failed alert(s) queued")
                print("\(queued) failed alert(s) queued for delivery")
                return
            }
            let alerts = try await target.alerts(state: filter, limit: limit ?? 50)
            let counts = try await target.alertCounts()
            try await CommandLineActor.audit(
                target, actor: actor, action: .alertsList, caseId: nil, detail: filter.map { "state \($0.rawValue)" } ?? "")
            if json {
                try FileOutput.printJSON(alerts)
                return
            }
            print(AlertState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
            for record in alerts {
                let delivery =
                    switch record.state {
                    case .delivered: "delivered \(record.deliveredAt.map(Timestamp.format) ?? "")"
                    case .pending: "pending, \(record.attempts) attempt(s)" + (record.nextAttemptAt.map { ", next at \(Timestamp.format($0))" } ?? "")
                    case .failed: "FAILED after \(record.attempts) attempt(s)"
                    }
                print(
                    DisplayText.escaped(
                        "\(Timestamp.format(record.alert.raisedAt))  \(record.alert.alertId)  \(delivery)  \(record.alert.message)"
                            + (record.lastError.map { "  last error: \($0)" } ?? "")))
            }
        }
    }
}
