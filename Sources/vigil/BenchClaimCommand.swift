import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// `vigil bench claim --cases N --claimers K [--json]`: K concurrent claimers drain N cases.
struct BenchClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claims/s and p50/p99 latency of K concurrent claimers draining N cases; counts double claims."
    )

    @Option(help: "How many cases to seed.")
    var cases = 100_000

    @Option(help: "How many concurrent claimers.")
    var claimers = 16

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var cases: Int
        var claimers: Int
        var claims: Int
        var doubleClaims: Int
        var seconds: Double
        var claimsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
    }

    mutating func run() async throws {
        guard cases > 0, claimers > 0 else { throw ValidationError("--cases and --claimers must be positive") }
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        var generator = SyntheticPackages()
        try await ImportPipeline(store: store, sources: []).run(
            try BatchReader.open(generator.jsonLines(count: cases, prefix: "C"), format: .nca)) { _, _ in }
        let openCases = try await store.backlog(asOf: Date(), limit: nil).count

        let clock = ContinuousClock()
        let started = clock.now
        let perClaimer = try await withThrowingTaskGroup(of: ([CaseID], [Double]).self) { group in
            for claimer in 0..<claimers {
                group.addTask {
                    var ids: [CaseID] = []
                    var latencies: [Double] = []
                    while true {
                        let before = clock.now
                        guard let entry = try await store.claimNext(officer: "bench-\(claimer)", now: Date()) else { break }
                        latencies.append((clock.now - before).seconds * 1000)
                        ids.append(entry.caseId)
                    }
                    return (ids, latencies)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = (clock.now - started).seconds
        let ids = perClaimer.flatMap(\.0)
        let latencies = perClaimer.flatMap(\.1).sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let result = Result(cases: openCases, claimers: claimers, claims: ids.count, doubleClaims: ids.count - Set(ids).count,
                            seconds: elapsed, claimsPerSecond: Double(ids.count) / elapsed,
                            p50Ms: percentile(0.50), p99Ms: percentile(0.99))
        if json {
            try FileOutput.printJSON(result)
        } else {
            print(String(format: "%d claims of %d cases by %d claimers in %.2f s: %.0f claims/s, p50 %.2f ms, p99 %.2f ms, %d double claims",
                         result.claims, result.cases, claimers, elapsed, result.claimsPerSecond, result.p50Ms, result.p99Ms,
                         result.doubleClaims))
        }
        if result.doubleClaims > 0 || result.claims != openCases { throw ExitCode.failure }
    }
}
