import ArgumentParser
import VigilSQLite
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilServer
import VigilStore

/// `vigil bench dashboard --cases N [--json]`: time to render the supervisor's dashboard (`GET /`) through
/// HTTP with N open cases.
struct BenchDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Milliseconds to render the supervisor's dashboard (GET /) through HTTP with N open cases, checks planned, "
            + "1,000 of them held by 20 investigators and a year of daily snapshots."
    )

    @Option(help: "How many cases to seed.", transform: NumberOption.seedCount)
    var cases = 100_000

    @Option(help: "Timed renders (after 3 untimed ones).", transform: NumberOption.whole(1...100_000))
    var renders = 20

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var cases: Int
        var renders: Int
        var bytes: Int
        var p50Ms: Double
        var maxMs: Double
    }

    mutating func run() async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        let store = try await scratch.seededStore(packages: cases, prefix: "D", sources: sources)
        for claim in 0..<min(1000, cases) {
            _ = try await store.claimNext(by: AuditActor(name: "dc-bench-\(claim % 20)", remote: "bench"), now: Date())
        }
        try await store.recordDailySnapshots(now: Date(), maxDays: 365)
        let supervisor = try await store.addUser(name: "bench-supervisor", role: .supervisor, tokenHash: "bench", now: Date())
        let sessions = WebSessions()
        let (sessionId, _) = await sessions.start(for: supervisor, tokenHash: "bench", now: Date())
        let (total, count, json) = (cases, renders, json)
        try await LoopbackAPI.run(store: store, sources: sources, dashboard: DashboardConfiguration(sessions: sessions)) { base, engine in
            let request = CurlRequest(
                url: base + "/", headers: ["Cookie: vigil_session=\(sessionId)"], timeoutMs: 60_000,
                maxResponseBytes: 16 << 20)
            var timings: [Double] = []
            var bytes = 0
            let clock = ContinuousClock()
            for round in 0..<(count + 3) {
                let started = clock.now
                let response = try await engine.perform(request)
                let elapsed = (clock.now - started).seconds * 1000
                guard response.status == 200 else { throw ValidationError("GET /: HTTP \(response.status)") }
                bytes = response.body.count
                if round >= 3 { timings.append(elapsed) }
            }
            timings.sort()
            let result = Result(cases: total, renders: count, bytes: bytes, p50Ms: timings[timings.count / 2], maxMs: timings.last ?? 0)
            if json {
                try FileOutput.printJSON(result)
            } else {
                print(
                    String(
                        format: "GET / with %d open cases: p50 %.1f ms, max %.1f ms over %d renders (%d bytes)",
                        total, result.p50Ms, result.maxMs, count, bytes))
            }
        }
    }
}
