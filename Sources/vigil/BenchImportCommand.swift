import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// `vigil bench import --records N [--format nca|cybertip-xml] [--with-checks] [--importers K] [--db postgres://…]
/// [--json]`: parse + grade + link + store of synthetic NCA packages or CyberTipline XML reports.
struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Referrals/s for parse + grade + link + store of synthetic NCA packages (or CyberTipline XML reports) into a scratch SQLite file (or PostgreSQL)."
    )

    @Option(help: "How many packages or reports.", transform: NumberOption.seedCount)
    var records = 100_000

    @Option(help: "nca (JSON Lines packages) or cybertip-xml (NCMEC XML reports, each with two file details).", transform: SyntheticPackages.format)
    var format = IntakeFormat.nca

    @Flag(help: "Also plan each referral's intelligence checks (the built-in source set), as `vigil import` does.")
    var withChecks = false

    @Flag(help: "Print JSON.")
    var json = false

    @Option(
        help: "How many importers send the batch at once, each the same file (1–16): every record is stored once, the rest are duplicates.",
        transform: NumberOption.whole(1...16))
    var importers = 1

    @OptionGroup var target: BenchTarget

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
        let batch = generator.batch(format, count: records, prefix: "I")
        let (records, format, importers, withChecks, json) = (records, format, importers, withChecks, json)
        let onPostgres = target.isPostgres
        try await target.withStore(connections: importers + 1) { store in
            let clock = ContinuousClock()
            let writtenBefore = ProcessIO.storageBytesWritten()
            let started = clock.now
            let sources = withChecks ? IntelSourceSpec.defaults(baseURL: IntelOptions.defaultBaseURL) : []
            let outcomes = try await withThrowingTaskGroup(of: [CaseID].self) { group in
                for _ in 0..<importers {
                    group.addTask {
                        var accepted: [CaseID] = []
                        try await ImportPipeline(store: store, sources: sources).run(try BatchReader.open(batch, format: format, now: Date())) {
                            _, outcomes in
                            for case .accepted(let caseId)? in outcomes { accepted.append(caseId) }
                        }
                        return accepted
                    }
                }
                return try await group.reduce(into: [CaseID]()) { $0 += $1 }
            }
            let total = (clock.now - started).seconds
            let written = onPostgres ? nil : ProcessIO.megabytesWritten(since: writtenBefore)
            let checks = try await store.researchState().pending
            let result = Result(
                records: records, accepted: outcomes.count, cases: Set(outcomes).count, checks: checks, seconds: total,
                recordsPerSecond: Double(records) / total, checksPlanned: withChecks, writtenMB: written)
            if json {
                try FileOutput.printJSON(result)
            } else {
                print(
                    String(
                        format:
                            "%d records (%d accepted into %d cases, %d checks planned) in %.2f s: %.0f referrals/s (parse + grade + link + store%@)",
                        records, result.accepted, result.cases, checks, total, result.recordsPerSecond, withChecks ? " + plan checks" : "")
                        + (written.map { String(format: "; %.0f MB written", $0) } ?? ""))
            }
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
