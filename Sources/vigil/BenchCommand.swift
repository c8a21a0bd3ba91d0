import ArgumentParser

/// `vigil bench …`: the project's performance measurements (results in docs/BENCHMARKS.md).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure import and claim throughput on a scratch SQLite database.",
        subcommands: [BenchImportCommand.self, BenchClaimCommand.self]
    )
}
