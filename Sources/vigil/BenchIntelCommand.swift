import ArgumentParser
import Foundation
import Logging
import VigilIntel
import VigilIntelStub

/// `vigil bench intel --checks N --latency-ms L [--json]`: N check requests through one CurlEngine to the
/// in-process stub answering after L ms.
struct BenchIntelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intel",
        abstract: "Wall time of N concurrent source checks through one CurlEngine against the in-process stub."
    )

    @Option(help: "How many checks.", transform: NumberOption.seedCount)
    var checks = 1000

    @Option(help: "Stub latency per answer, milliseconds.", transform: NumberOption.latencyMs)
    var latencyMs = 200

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var checks: Int
        var latencyMs: Int
        var wallSeconds: Double
        var concurrency: Int
        var failures: Int
    }

    mutating func run() async throws {
        guard checks > 0, latencyMs >= 0 else { throw ValidationError("--checks must be positive, --latency-ms not negative") }
        let logger = Logger.vigil("vigil.bench")
        let stub = IntelStubServer(options: .init(latencyMs: latencyMs), logger: logger)
        let engine = CurlEngine(logger: logger)
        let (checks, latencyMs, json) = (checks, latencyMs, json)
        try await OneShotService.run(with: [stub, engine], logger: logger) {
            let url = "http://127.0.0.1:\(await stub.port())/pnc"
            let clock = ContinuousClock()
            let started = clock.now
            let failures = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<checks {
                    group.addTask {
                        let body = #"{"checkId":"\#(index)","attempt":1,"source":"pnc","query":{"person":{"name":"Bench Person \#(index)"}}}"#
                        let request = CurlRequest.postJSON(url: url, body: Array(body.utf8), connectTimeoutMs: 5000, timeoutMs: 30000)
                        return (try? await engine.perform(request))?.status == 200
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
            }
            let result = Result(
                checks: checks, latencyMs: latencyMs, wallSeconds: (clock.now - started).seconds,
                concurrency: stub.log.peakInFlight, failures: failures)
            if json {
                try FileOutput.printJSON(result)
            } else {
                print(
                    String(
                        format: "%d checks at %d ms each in %.2f s (%d at once at the peak, %d failed; one at a time: %.0f s)",
                        checks, latencyMs, result.wallSeconds, result.concurrency, failures,
                        Double(checks * latencyMs) / 1000))
            }
        }
    }
}
