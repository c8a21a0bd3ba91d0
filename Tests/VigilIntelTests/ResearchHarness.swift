import Foundation
import Logging
import Testing
import VigilCore
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore
import VigilTesting

/// A fresh SQLite store, the stub in-process and a running CurlEngine, for end-to-end research tests; the
/// sources are the built-in set without slow retries (a test of slow retries adds them).
struct ResearchHarness {
    let store: SQLiteStore
    let stub: IntelStubServer
    let engine: CurlEngine
    let sources: [IntelSourceSpec]

    /// The repository's Samples folder.
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// Runs `body` with the stub and engine serving; removes the database afterwards.
    static func run(stub options: IntelStubServer.Options, _ body: @escaping @Sendable (ResearchHarness) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-research-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let stub = IntelStubServer(options: options, logger: logger)
        let engine = CurlEngine(logger: logger)
        let store = try SQLiteStore(path: folder.appendingPathComponent("r.sqlite").path)
        try await withRunningServices([engine, stub], logger: logger) {
            let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:\(await stub.port())").map { source in
                var quick = source
                quick.slowRetries = 0
                return quick
            }
            try await body(ResearchHarness(store: store, stub: stub, engine: engine, sources: sources))
        }
    }

    /// Runs a worker until no research is outstanding.
    func researchUntilIdle(concurrency: Int = 64) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        try await ResearchWorker(
            store: store, engine: engine, sources: sources,
            configuration: .init(concurrency: concurrency, untilIdle: true, pollInterval: .milliseconds(20)),
            logger: logger
        ).run()
    }

    /// The sample fixtures.
    static func fixtures() throws -> StubFixtures {
        try StubFixtures(data: Data(contentsOf: samples.appendingPathComponent("intel-fixtures.json")))
    }
}

/// A P2P lead from an unknown uploader at `ip`, seen at `lastSeen`.
func lead(_ ref: String, ip: String, lastSeen: Date) -> ReferralSubmission {
    let referral = Referral(
        source: .p2p, ref: ref, receivedAt: lastSeen + 600,
        observations: [FactObservation(fact: .distribution, value: true, provenance: .referral, at: lastSeen + 600)],
        children: [], linkKeys: [], research: ResearchInputs(ips: [IPObservation(ipAddress: ip, at: lastSeen, port: 51413)]))
    return ReferralSubmission(referral: referral, raw: "{\"leadId\":\"\(ref)\"}", contentDigest: "{\"leadId\":\"\(ref)\"}")
}
