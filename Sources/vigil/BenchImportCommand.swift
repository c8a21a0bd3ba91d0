import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilSQLite
import VigilStore

/// `vigil bench import --records N [--json]`: parse + grade + link + store of synthetic NCA packages.
struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Referrals/s for parse + grade + link + store of synthetic NCA packages into a scratch SQLite file."
    )

    @Option(help: "How many packages.", transform: NumberOption.seedCount)
    var records = 100_000

    @Flag(help: "Also plan each referral's intelligence checks (the built-in source set), as `vigil import` does.")
    var withChecks = false

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var records: Int
        var accepted: Int
        /// Distinct cases the accepted referrals opened or joined.
        var cases: Int
        /// Checks planned for them.
        var checks: Int
        var seconds: Double
        var recordsPerSecond: Double
        var checksPlanned: Bool
        /// MB (2^20 bytes) the import wrote to storage: the WAL and the database file.
        var writtenMB: Double?
    }

    mutating func run() async throws {
        var generator = SyntheticPackages()
        let batch = generator.jsonLines(count: records, prefix: "I")
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        let clock = ContinuousClock()
        let writtenBefore = ProcessIO.storageBytesWritten()
        let started = clock.now
        var accepted = 0
        var cases = Set<CaseID>()
        let sources = withChecks ? IntelSourceSpec.defaults(baseURL: IntelOptions.defaultBaseURL) : []
        try await ImportPipeline(store: store, sources: sources).run(try BatchReader.open(batch, format: .nca, now: Date())) { _, outcomes in
            for case .accepted(let caseId)? in outcomes {
                accepted += 1
                cases.insert(caseId)
            }
        }
        let total = (clock.now - started).seconds
        let written = ProcessIO.megabytesWritten(since: writtenBefore)
        let checks = try await store.researchState().pending
        let result = Result(
            records: records, accepted: accepted, cases: cases.count, checks: checks, seconds: total, recordsPerSecond: Double(records) / total,
            checksPlanned: withChecks, writtenMB: written)
        if json {
            try FileOutput.printJSON(result)
        } else {
            print(
                String(
                    format: "%d records (%d accepted into %d cases, %d checks planned) in %.2f s: %.0f referrals/s (parse + grade + link + store%@)",
                    records, accepted, cases.count, checks, total, result.recordsPerSecond, withChecks ? " + plan checks" : "")
                    + (written.map { String(format: "; %.0f MB written", $0) } ?? ""))
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
