import ArgumentParser
import Foundation
import VigilCore

/// K concurrent claimers draining a backlog, each claim timed: the measurement of `bench claim` and
/// `bench http-claim`.
enum ClaimDrain {
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
        /// Source requests answered by research running beside the claims, when it ran.
        var checksAnswered: Int?

        /// Prints the result (or its JSON) and fails the command on a double claim or a lost case.
        func print(cases expected: Int, json: Bool, via: String) throws {
            var shown = self
            shown.cases = expected
            if json {
                try FileOutput.printJSON(shown)
            } else {
                Swift.print(
                    String(
                        format: "%d claims of %d cases by %d %@ in %.2f s: %.0f claims/s, p50 %.2f ms, p99 %.2f ms, %d double claims",
                        claims, expected, claimers, via, seconds, claimsPerSecond, p50Ms, p99Ms, doubleClaims)
                        + (checksAnswered.map { "; research answered \($0) checks meanwhile" } ?? ""))
            }
            if doubleClaims > 0 || claims != expected { throw ExitCode.failure }
        }
    }

    /// Runs `claimers` loops of `claim` until each gets nil.
    static func run(claimers: Int, claim: @escaping @Sendable () async throws -> CaseID?) async throws -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let perClaimer = try await withThrowingTaskGroup(of: ([CaseID], [Double]).self) { group in
            for _ in 0..<claimers {
                group.addTask {
                    var ids: [CaseID] = []
                    var latencies: [Double] = []
                    while true {
                        let before = clock.now
                        guard let id = try await claim() else { break }
                        latencies.append((clock.now - before).seconds * 1000)
                        ids.append(id)
                    }
                    return (ids, latencies)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = (clock.now - started).seconds
        let ids = perClaimer.flatMap(\.0)
        let latencies = perClaimer.flatMap(\.1).sorted()
        return Result(
            cases: ids.count, claimers: claimers, claims: ids.count, doubleClaims: ids.count - Set(ids).count,
            seconds: elapsed, claimsPerSecond: Double(ids.count) / elapsed, p50Ms: percentile(latencies, 0.50), p99Ms: percentile(latencies, 0.99))
    }
}
