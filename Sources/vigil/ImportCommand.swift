import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilStore

/// `vigil import FILE… --format nca|p2p|cybertip-xml [--received-at TIME] [--json] [--dry-run]`.
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

    @OptionGroup var remote: ServerOptions

    @Argument(
        help: """
            Batch files: JSON Lines or a JSON array (nca, p2p), CSV with a header row (p2p), or NCMEC CyberTipline XML \
            (cybertip-xml): a file of <ncaReferral> records, or a report directory (report.xml, file-details-*.xml, \
            optional report-response.xml and envelope.xml) or a directory of them.
            """)
    var files: [String]

    @Option(help: "Batch format: nca, p2p or cybertip-xml.")
    var format: String

    @Option(
        help: "cybertip-xml report directories: the received time (RFC 3339) of reports whose envelope.xml gives none.",
        transform: { text in
            guard case .success(let date) = Timestamp.parse(text) else { throw ValidationError("--received-at takes an RFC 3339 time with a zone") }
            return date
        })
    var receivedAt: Date?

    @Flag(help: "Print the JSON report of FORMATS.md §6 instead of a summary.")
    var json = false

    @Flag(help: "Validate only: parse every record and report, store nothing (duplicates are not detected).")
    var dryRun = false

    @Option(
        help: "With --server: a JSON Lines file goes in parts of this many lines, one after another (the report keeps the file's line numbers).",
        transform: NumberOption.whole(1...1_000_000))
    var linesPerRequest = ReferralUploader.defaultLinesPerRequest

    mutating func run() async throws {
        guard let intakeFormat = IntakeFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--format must be nca, p2p or cybertip-xml")
        }
        if let (server, token) = try remote.target() {
            guard !dryRun else { throw ValidationError("--dry-run works on a local database only") }
            if let directory = files.first(where: CybertipDirectory.isDirectory) {
                throw ValidationError("\(directory) is a report directory: import it locally, or send its reports as one XML batch file")
            }
            try await importThrough(server: server, token: token, format: intakeFormat)
            return
        }
        let (counts, records, fatal) =
            dryRun ? try await importLocally(into: nil) : try await store.withStore { try await importLocally(into: $0) }
        try finish(counts, records: records, fatal: fatal)
    }

    /// Reads, grades and stores each file into `target` (nowhere for a dry run), a bounded segment at a
    /// time (`BatchFile`), spooling the report (`SpooledImportReport`, written out with `--json`); the
    /// report's counts, how many records it holds, and whether a file could not be read at all.
    private func importLocally(into target: (any Store)?) async throws -> (ImportReport, Int, Bool) {
        let intakeFormat = IntakeFormat(rawValue: format.lowercased()) ?? .nca
        let pipeline = ImportPipeline(store: target, sources: try intel.sources())
        let report = try SpooledImportReport(keepsRecords: json, onRejected: json ? nil : { FileOutput.tellRejected($0) })
        let showProgress = !json && FileOutput.standardErrorIsTerminal
        var fatal = false
        for file in files {
            var done = 0
            do {
                let add: ImportPipeline.ChunkHandler = { records, outcomes in
                    try report.add(file: file, format: intakeFormat, records: records, outcomes: outcomes)
                }
                if intakeFormat == .cybertipXML, CybertipDirectory.isDirectory(file) {
                    var batches = try CybertipDirectory(path: file, receivedAt: receivedAt).batches(size: ImportPipeline.chunkSize, now: Date())
                        .makeIterator()
                    try await pipeline.run(nextBatch: { batches.next() }, handle: add)
                } else {
                    var reader = try BatchFile(path: file, format: intakeFormat).open()
                    try await pipeline.run(nextBatch: { try await reader.next(now: Date()) }) { records, outcomes in
                        try add(records, outcomes)
                        done += records.count
                        if showProgress, done > 5 * ImportPipeline.chunkSize { FileOutput.standardError("\r\(file): \(done) records") }
                    }
                }
            } catch is BatchFile.Unreadable {
                FileOutput.standardError("\(file): cannot read the file\n")
                fatal = true
            } catch let error as BatchReadError {
                FileOutput.standardError("\(file): \(error.description); nothing of this file was imported\n")
                fatal = true
            }
            if showProgress, done > 5 * ImportPipeline.chunkSize { FileOutput.standardError("\n") }
        }
        if json { try await report.finishedJSON().write { try FileHandle.standardOutput.write(contentsOf: $0) } }
        return (report.counts, report.recordCount, fatal)
    }

    /// Prints the summary line (unless `--json`) and exits 0, 2 (some record rejected) or 1 (a file could
    /// not be read).
    private func finish(_ counts: ImportReport, records: Int, fatal: Bool) throws {
        if !json {
            let verb = dryRun ? "valid (dry run, nothing stored)" : "accepted"
            print("\(records) records: \(counts.accepted) \(verb), \(counts.duplicates) duplicates, \(counts.rejected) rejected")
        }
        if fatal { throw ExitCode.failure }
        if counts.rejected > 0 { throw ExitCode(2) }
    }

    /// Sends each file to `POST /api/v1/referrals` of a running server (`ReferralUploader`: JSON Lines in
    /// parts, one after another; any other file streamed in one request); the server parses, grades and
    /// stores. Each answer is read back a record at a time into a spooled report, so the client's memory
    /// does not grow with the file either.
    private func importThrough(server: String, token: String, format: IntakeFormat) async throws {
        let (files, linesPerRequest, json) = (files, linesPerRequest, json)
        let (counts, records, fatal) = try await APIClient.run(server: server, token: token) { client in
            let report = try SpooledImportReport(keepsRecords: json, onRejected: json ? nil : { FileOutput.tellRejected($0) })
            var fatal = false
            let uploader = ReferralUploader(client: client, format: format, linesPerRequest: linesPerRequest)
            var acknowledged: [ImportReport.SentLines] = []
            var unacknowledged: [ImportReport.SentLines] = []
            for file in files {
                let upload: ReferralUploader.Outcome
                do {
                    upload = try await uploader.upload(file: file)
                } catch is BatchFile.Unreadable {
                    FileOutput.standardError("\(file): cannot read the file\n")
                    fatal = true
                    continue
                }
                var stop: ServerRefusal?
                for part in upload.answers {
                    switch part.answer {
                    case .success(let answer):
                        let answerFile = answer.file ?? ""
                        defer { try? FileManager.default.removeItem(atPath: answerFile) }
                        let counts = try ImportReportReader.read(path: answerFile) { record in
                            var renamed = record
                            renamed.file = file
                            try report.add(renamed)
                        }
                        report.count(counts)
                        acknowledged.append(.init(file: file, lines: part.lines, reason: nil))
                    case .failure(let refusal):
                        let outcome = refusal.status == nil ? "these lines may or may not have been stored" : "nothing of these lines was imported"
                        unacknowledged.append(.init(file: file, lines: part.lines, reason: "\(refusal); \(outcome)"))
                        if refusal.stopsTheUpload { stop = refusal }
                        fatal = true
                    }
                }
                if let first = upload.notSentFrom, let stop {
                    let why = stop.status == nil ? "the server could not be reached" : "the server refused this token or its role"
                    unacknowledged.append(.init(file: file, fromLine: first, reason: "not sent, since \(why)"))
                }
            }
            if !unacknowledged.isEmpty {
                report.setSentLines(acknowledged: acknowledged, unacknowledged: unacknowledged)
            }
            if json { try await report.finishedJSON().write { try FileHandle.standardOutput.write(contentsOf: $0) } }
            return (report.counts, report.recordCount, fatal)
        }
        if !json { printUploadSummary(counts) }
        try finish(counts, records: records, fatal: fatal)
    }

    /// Tells which lines a server acknowledged, when some were not (each rejected record was told as it
    /// was read).
    private func printUploadSummary(_ report: ImportReport) {
        if let unacknowledged = report.unacknowledged {
            for range in (report.acknowledged ?? []) + unacknowledged {
                let lines = range.firstLine.map { first in range.lastLine.map { ", lines \(first)-\($0)" } ?? ", lines \(first) to the end" } ?? ""
                FileOutput.standardError("\(range.file)\(lines): " + (range.reason.map { "not acknowledged: \($0)" } ?? "acknowledged") + "\n")
            }
            FileOutput.standardError("Sending the same file again is safe: records already stored are reported as duplicates.\n")
        }
    }
}
