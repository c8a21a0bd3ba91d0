import ArgumentParser
import UnixSignals
import Foundation
import Logging
import ServiceLifecycle
import VigilIntelStub

/// `vigil intel-stub [--host H] --port P [--fixtures FILE] [--fixtures-only] [--latency-ms L] [--fail-rate R]`.
struct IntelStubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intel-stub",
        abstract: "Serve simulated intelligence sources over HTTP (POST /<source>) for demos, tests and benchmarks."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).", transform: NumberOption.port)
    var port = 8089

    @Option(help: "Fixtures file (FORMATS.md §5).")
    var fixtures: String?

    @Flag(help: "Answer 404 to queries no fixture matches (default: a deterministic synthetic answer).")
    var fixturesOnly = false

    @Option(help: "Delay every answer by this many milliseconds.", transform: NumberOption.latencyMs)
    var latencyMs = 0

    @Option(help: "Answer this fraction of requests (0–1) with HTTP 500.", transform: NumberOption.decimal(0...1))
    var failRate = 0.0

    mutating func run() async throws {
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        let stub = IntelStubServer(
            options: .init(
                host: host, port: port, fixtures: try loadFixtures(fixtures), fixturesOnly: fixturesOnly,
                latencyMs: latencyMs, failRate: failRate), logger: Logger.vigil("vigil.intel-stub"))
        let group = ServiceGroup(
            services: [stub], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger.vigil("vigil.intel-stub"))
        try await group.run()
    }
}

/// Reads a fixtures file, or none.
func loadFixtures(_ path: String?) throws -> StubFixtures {
    guard let path else { return StubFixtures() }
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read fixtures \(path)") }
    do {
        return try StubFixtures(data: data)
    } catch {
        throw ValidationError("fixtures \(path): \(error)")
    }
}
