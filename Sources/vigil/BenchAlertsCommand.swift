import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore

/// `vigil bench alerts --alerts N [--json]`: commit-to-delivery latency of N alerts, from synthetic
/// referrals imported one transaction at a time to the in-process stub's webhook.
struct BenchAlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "p50/p99 from an alert's commit to its delivery at a loopback webhook, over N alerts."
    )

    @Option(help: "How many alerts to measure (1–100000).", transform: NumberOption.whole(1...100_000))
    var alerts = 1000

    @Option(help: "Milliseconds between imported referrals (0–1000).", transform: NumberOption.whole(0...1000))
    var intervalMs = 10

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var alerts: Int
        var referrals: Int
        var p50Ms: Double
        var p99Ms: Double
        var maxMs: Double
        var repeats: Int
    }

    mutating func run() async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        let logger = Logger.vigil("vigil.bench")
        let stub = IntelStubServer(options: .init(), logger: logger)
        let engine = CurlEngine(logger: logger)
        let (wanted, interval, json) = (alerts, intervalMs, json)
        try await OneShotService.run(with: [stub, engine], logger: logger) {
            try await withAlertDelivery(store: store, engine: engine, url: "http://127.0.0.1:\(await stub.port())/_alerts", logger: logger) {
                var generator = SyntheticPackages()
                let pipeline = ImportPipeline(store: store, sources: [])
                var referrals = 0
                while try await (store.alertCounts().values.reduce(0, +)) < wanted {
                    let batch = try BatchReader.open(generator.jsonLines(count: 1, prefix: "ALERT", firstIndex: referrals), format: .nca, now: Date())
                    try await pipeline.run(batch) { _, _ in }
                    referrals += 1
                    if interval > 0 { try await Task.sleep(for: .milliseconds(interval)) }
                }
                let written = try await store.alerts(state: nil, limit: wanted).count
                while Set(stub.alerts.all.map(\.alertId)).count < written { try await Task.sleep(for: .milliseconds(20)) }
                var first: [String: Double] = [:]
                for receipt in stub.alerts.all where first[receipt.alertId] == nil {
                    guard case .success(let raised) = Timestamp.parse(receipt.raisedAt) else { continue }
                    first[receipt.alertId] = receipt.receivedAt.timeIntervalSince(raised) * 1000
                }
                let latencies = first.values.sorted()
                let result = Result(
                    alerts: latencies.count, referrals: referrals, p50Ms: percentile(latencies, 0.50), p99Ms: percentile(latencies, 0.99),
                    maxMs: latencies.last ?? 0, repeats: stub.alerts.all.count - first.count)
                if json {
                    try FileOutput.printJSON(result)
                } else {
                    print(
                        String(
                            format: "%d alerts from %d referrals: commit to delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d repeats",
                            result.alerts, referrals, result.p50Ms, result.p99Ms, result.maxMs, result.repeats))
                }
            }
        }
    }
}
