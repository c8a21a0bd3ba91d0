import ArgumentParser

/// `vigil bench …`: the project's performance measurements (results in docs/BENCHMARKS.md).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure import, claim, research and HTTP throughput.",
        subcommands: [
            BenchImportCommand.self, BenchClaimCommand.self, BenchIntelCommand.self, BenchHTTPClaimCommand.self,
            BenchHTTPImportCommand.self, BenchServeMemoryCommand.self, BenchDashboardCommand.self, BenchAlertsCommand.self,
            BenchResearchStartCommand.self, BenchPackagesCommand.self,
        ]
    )
}
