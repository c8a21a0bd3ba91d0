import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilStore

/// `vigil bench serve-memory --cases N [--json]`: the peak resident memory of a `vigil serve` process
/// holding N open cases while a supervisor pages through the whole backlog and renders the dashboard, and
/// an investigator claims and reads cases.
struct BenchServeMemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-memory",
        abstract: "Peak RSS of a vigil serve process holding N cases: idle, then after every backlog page, 20 dashboard renders, "
            + "1,000 claims and 1,000 case reads."
    )

    @Option(help: "How many cases to seed.", transform: NumberOption.seedCount)
    var cases = 100_000

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement (megabytes are 2^20 bytes, as /proc reports kB).
    struct Result: Encodable {
        var cases: Int
        var idlePeakMB: Double
        var peakMB: Double
        var pages: Int
        var listingSeconds: Double
        var claimsAndReads: Int
    }

    mutating func run() async throws {
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try await scratch.seededStore(packages: cases, prefix: "M")
        let supervisor = try await LoopbackAPI.token(store, role: .supervisor)
        let investigator = try await LoopbackAPI.token(store, role: .investigator)
        let port = try FreePort.find()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        server.arguments = ["serve", "--db", scratch.path, "--port", "\(port)", "--workers", "1"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let (total, json) = (cases, json)
        let logger = Logger.vigil("vigil.bench")
        let engine = CurlEngine(logger: logger)
        try await OneShotService.run(with: [engine], logger: logger) {
            let base = "http://127.0.0.1:\(port)"
            try await Self.waitForHealth(engine, base: base)
            let idle = try ProcessMemory.peakMB(of: server.processIdentifier)
            let clock = ContinuousClock()
            let started = clock.now
            var path: String? = "/api/v1/backlog"
            var pages = 0
            while let current = path {
                let page = try await Self.call(engine, base + current, token: supervisor)
                path = (try JSONSerialization.jsonObject(with: Data(page)) as? [String: Any])?["next"] as? String
                pages += 1
            }
            let listingSeconds = (clock.now - started).seconds
            for _ in 0..<20 { _ = try await Self.call(engine, base + "/", token: supervisor) }
            let rounds = min(1000, total)
            for _ in 0..<rounds {
                let claimed = try await Self.call(engine, base + "/api/v1/cases/next", method: "POST", token: investigator)
                let entry = (try JSONSerialization.jsonObject(with: Data(claimed)) as? [String: Any])?["case"] as? [String: Any]
                guard let id = entry?["caseId"] as? String else { break }
                _ = try await Self.call(engine, base + "/api/v1/cases/\(id)", token: supervisor)
            }
            let result = Result(
                cases: total, idlePeakMB: idle, peakMB: try ProcessMemory.peakMB(of: server.processIdentifier),
                pages: pages, listingSeconds: listingSeconds, claimsAndReads: rounds)
            if json {
                try FileOutput.printJSON(result)
            } else {
                print(
                    String(
                        format:
                            "vigil serve holding %d cases: peak RSS %.0f MB idle, %.0f MB after %d backlog pages (%.2f s), 20 dashboards and %d claims and reads",
                        total, idle, result.peakMB, pages, listingSeconds, rounds))
            }
        }
    }

    /// Polls `/healthz` until the server answers (30 s at most).
    private static func waitForHealth(_ engine: CurlEngine, base: String) async throws {
        for _ in 0..<300 {
            if let answer = try? await engine.perform(CurlRequest(url: base + "/healthz")), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("vigil serve did not answer /healthz within 30 s")
    }

    /// The body of a 200 answer.
    private static func call(_ engine: CurlEngine, _ url: String, method: String = "GET", token: String) async throws -> [UInt8] {
        let answer = try await engine.perform(
            CurlRequest(
                url: url, method: method, headers: ["Authorization: Bearer \(token)"],
                timeoutMs: 60_000, maxResponseBytes: 64 << 20))
        guard answer.status == 200 else { throw ValidationError("\(method) \(url): HTTP \(answer.status)") }
        return answer.body
    }
}
