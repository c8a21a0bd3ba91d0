import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilIntelStub
import VigilStore

/// `vigil bench research-start --referrals N [--db postgres://…] [--json]`: how long after a referral
/// arrives (its import begins) its first check reaches a source, on an idle system.
struct BenchResearchStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "research-start",
        abstract:
            "Milliseconds from a referral's arrival to its first check's request at the in-process stub, with an idle worker on a store of its own."
    )

    @Option(help: "How many referrals, imported one at a time, about a second apart.", transform: NumberOption.seedCount)
    var referrals = 20

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var target: BenchTarget

    /// The measurement.
    struct Result: Encodable {
        var referrals: Int
        var p50Ms: Double
        var maxMs: Double
        var pollIntervalMs: Int
    }

    mutating func run() async throws {
        let (referrals, json) = (referrals, json)
        let logger = Logger.vigil("vigil.bench")
        // The importer and the worker each have a store of their own, as two processes would.
        try await target.withStores(2) { stores in
            let (importer, researcher) = (stores[0], stores[1])
            let engine = CurlEngine(logger: logger)
            let port = try FreePort.find()
            let running = IntelStubServer(options: .init(port: port), logger: logger)
            let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:\(port)")
            let settings = ResearchWorker.Configuration(concurrency: 8)
            let worker = ResearchWorker(store: researcher, engine: engine, sources: sources, configuration: settings, logger: logger)
            try await OneShotService.run(with: [running, engine, worker], logger: logger) {
                var generator = SyntheticPackages()
                var latencies: [Double] = []
                for index in 0..<referrals {
                    // A second apart, shifted each time so that arrivals fall at every phase of the workers' polling.
                    try await Task.sleep(for: .milliseconds(1000 + index * 53 % 200))
                    let seen = running.log.entries.count
                    let arrived = Date()
                    try await ImportPipeline(store: importer, sources: sources).run(
                        try BatchReader.open(generator.jsonLines(count: 1, prefix: "START", firstIndex: index), format: .nca, now: Date())
                    ) { _, _ in }
                    while running.log.entries.count == seen { try await Task.sleep(for: .milliseconds(1)) }
                    let first = running.log.entries[seen...].map(\.receivedAt).min() ?? Date()
                    latencies.append(first.timeIntervalSince(arrived) * 1000)
                }
                latencies.sort()
                let result = Result(
                    referrals: referrals, p50Ms: percentile(latencies, 0.5), maxMs: latencies.last ?? 0,
                    pollIntervalMs: Int(settings.pollInterval.seconds * 1000))
                if json {
                    try FileOutput.printJSON(result)
                } else {
                    print(
                        String(
                            format:
                                "%d referrals: first check at the source %.1f ms (p50), %.1f ms (max) after the referral arrived; workers poll every %d ms",
                            referrals, result.p50Ms, result.maxMs, result.pollIntervalMs))
                }
            }
        }
    }
}
