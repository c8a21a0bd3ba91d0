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
        /// Pairs claimed against the backlog order (`OrderInversions`), when the order was fixed; must be 0.
        var orderInversions: Int?
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
                        + (orderInversions.map { ", \($0) order inversions" } ?? "")
                        + (checksAnswered.map { "; research answered \($0) checks meanwhile" } ?? ""))
            }
            if doubleClaims > 0 || (orderInversions ?? 0) > 0 || claims != expected { throw ExitCode.failure }
        }
    }

    /// Runs `claimers` loops of `claim` until each gets nil; `order`, when given, is the backlog as the
    /// drain begins, against which inversions are counted.
    static func run(claimers: Int, order: [CaseID]?, claim: @escaping @Sendable () async throws -> CaseID?) async throws -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let perClaimer = try await withThrowingTaskGroup(of: [(id: CaseID, began: Double, ended: Double)].self) { group in
            for _ in 0..<claimers {
                group.addTask {
                    var claims: [(id: CaseID, began: Double, ended: Double)] = []
                    while true {
                        let before = (clock.now - started).seconds
                        guard let id = try await claim() else { break }
                        claims.append((id, before, (clock.now - started).seconds))
                    }
                    return claims
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = (clock.now - started).seconds
        let claims = perClaimer.flatMap { $0 }
        let ids = claims.map(\.id)
        let latencies = claims.map { ($0.ended - $0.began) * 1000 }.sorted()
        let inversions = order.map { order in
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            return OrderInversions.count(claims.map { .init(began: $0.began, ended: $0.ended, rank: rank[$0.id] ?? order.count) })
        }
        return Result(
            cases: ids.count, claimers: claimers, claims: ids.count, doubleClaims: ids.count - Set(ids).count,
            seconds: elapsed, claimsPerSecond: Double(ids.count) / elapsed, p50Ms: percentile(latencies, 0.50), p99Ms: percentile(latencies, 0.99),
            orderInversions: inversions)
    }
}
