import Foundation
public import Metrics
public import Prometheus
import VigilCore
import VigilStore

/// Vigil's Prometheus metrics: swift-metrics objects created against this server's own registry (no
/// global bootstrap, so several servers can live in one process), plus backlog gauges refreshed from the
/// store at every scrape.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    /// A swift-metrics factory writing into `registry` (the research workers record into it too).
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// Creates empty metrics.
    public init() {}

    /// Referrals accepted through the API, by source.
    func referralsReceived(source: ReferralSource, count: Int) {
        Counter(label: "vigil_referrals_received_total", dimensions: [("source", source.rawValue)], factory: factory)
            .increment(by: count)
    }

    /// Time from the API receiving a batch to its referrals being graded and stored.
    func gradedAfter(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Metrics.Timer(label: "vigil_time_to_first_grade_seconds", factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A case claimed through the API.
    func claimed() {
        Counter(label: "vigil_claims_total", factory: factory).increment()
    }

    /// The Prometheus text of every metric, with the backlog gauges taken from the store now.
    func render(store: any Store, now: Date) async throws -> [UInt8] {
        let statistics = try await store.backlogStatistics(asOf: now)
        for grade in Grade.allCases {
            Gauge(label: "vigil_cases_open", dimensions: [("grade", grade.name)], factory: factory)
                .record(statistics.byGrade[grade] ?? 0)
            Gauge(label: "vigil_backlog_cases", dimensions: [("effective_grade", grade.name)], factory: factory)
                .record(statistics.byEffectiveGrade[grade] ?? 0)
        }
        Gauge(label: "vigil_cases_overdue", factory: factory).record(statistics.overdue)
        for kind in FlagKind.allCases {
            Gauge(label: "vigil_flags_open", dimensions: [("kind", kind.rawValue)], factory: factory).record(statistics.openFlags[kind] ?? 0)
        }
        Gauge(label: "vigil_flags_overdue", factory: factory).record(statistics.overdueFlags)
        let alerts = try await store.alertCounts()
        for state in AlertState.allCases {
            Gauge(label: "vigil_alerts", dimensions: [("state", state.rawValue)], factory: factory).record(alerts[state] ?? 0)
        }
        for (source, states) in statistics.checks {
            for state in CheckState.allCases {
                Gauge(label: "vigil_checks", dimensions: [("source", source), ("state", state.rawValue)], factory: factory)
                    .record(states[state] ?? 0)
            }
        }
        return registry.emitToBuffer()
    }
}
