import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// `vigil bench claim --cases N --claimers K [--db postgres://…] [--json]`: K concurrent claimers drain N cases.
struct BenchClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claims/s and p50/p99 latency of K concurrent claimers draining N cases; counts double claims."
    )

    @Option(help: "How many cases to seed.", transform: NumberOption.seedCount)
    var cases = 100_000

    @Option(help: "How many concurrent claimers.", transform: NumberOption.concurrency)
    var claimers = 16

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var target: BenchTarget

    mutating func run() async throws {
        let (cases, claimers, json) = (cases, claimers, json)
        try await target.withStore(connections: claimers + 2) { store in
            try await seed(store, packages: cases, prefix: "C")
            let order = try await store.backlog(asOf: Date(), limit: nil).map(\.caseId)
            let result = try await ClaimDrain.run(claimers: claimers, order: order) {
                try await store.claimNext(by: AuditActor(name: "bench", remote: "bench"), now: Date())?.caseId
            }
            try result.print(cases: order.count, json: json, via: "claimers")
        }
    }
}
