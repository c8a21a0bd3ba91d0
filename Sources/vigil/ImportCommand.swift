import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// `vigil import FILE… --format nca|p2p [--json] [--dry-run]`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import referral batches; every good record lands, every bad one is reported with its line and field.",
        discussion: """
            Every accepted referral is graded at once and its intelligence checks are planned (run them \
            with `vigil work`). Exit status: 0 when nothing was rejected, 2 when some record was, 1 on a usage or fatal error \
            (a file that cannot be read at all imports nothing). Re-importing a batch is harmless: \
            identical records are reported as duplicates.
            """
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var intel: IntelOptions

    @Argument(help: "Batch files: JSON Lines or a JSON array (nca, p2p), or CSV with a header row (p2p).")
    var files: [String]

    @Option(help: "Batch format: nca or p2p.")
    var format: String

    @Flag(help: "Print the JSON report of FORMATS.md §6 instead of a summary.")
    var json = false

    @Flag(help: "Validate only: parse every record and report, store nothing (duplicates are not detected).")
    var dryRun = false

    mutating func run() async throws {
        guard let intakeFormat = IntakeFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--format must be nca or p2p")
        }
        let target = dryRun ? nil : try store.open()
        let sources = try intel.sources()
        var report = ImportReport()
        var fatal = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileOutput.standardError("\(file): cannot read the file\n")
                fatal = true
                continue
            }
            let batch: Batch
            do {
                batch = try BatchReader.open(Array(data), format: intakeFormat)
            } catch {
                FileOutput.standardError("\(file): \(error.description); nothing of this file was imported\n")
                fatal = true
                continue
            }
            try await importFile(file, batch, format: intakeFormat, into: ImportPipeline(store: target, sources: sources),
                                 report: &report)
        }
        if json {
            try FileOutput.printJSON(report)
        } else {
            printSummary(report)
        }
        if fatal { throw ExitCode.failure }
        if report.rejected > 0 { throw ExitCode(2) }
    }

    private func importFile(_ file: String, _ batch: Batch, format: IntakeFormat, into pipeline: ImportPipeline,
                            report: inout ImportReport) async throws {
        let showProgress = !json && FileOutput.standardErrorIsTerminal && batch.count > 5 * ImportPipeline.chunkSize
        var done = 0
        var collected = report
        try await pipeline.run(batch) { records, outcomes in
            collected.add(file: file, format: format, records: records, outcomes: outcomes)
            done += records.count
            if showProgress { FileOutput.standardError("\r\(file): \(done)/\(batch.count) records") }
        }
        if showProgress { FileOutput.standardError("\n") }
        report = collected
    }

    private func printSummary(_ report: ImportReport) {
        for record in report.records where record.status == "rejected" {
            for error in record.errors {
                let field = error.field.isEmpty ? "record" : error.field
                FileOutput.standardError("\(record.file):\(record.line): \(record.ref.map { "[\($0)] " } ?? "")\(field): \(error.message)\n")
            }
        }
        let verb = dryRun ? "valid (dry run, nothing stored)" : "accepted"
        print("\(report.records.count) records: \(report.accepted) \(verb), \(report.duplicates) duplicates, \(report.rejected) rejected")
    }
}
