import Foundation
import VigilCore
public import VigilIntake
public import VigilStore

/// An import report whose per-record entries go to a temporary file as they are produced, so a batch of any
/// size is reported in bounded memory: the counts stay in memory, each chunk's records are written to the
/// spool as FORMATS.md §6 JSON, and rejected records can be told at once (`onRejected`).
/// At the end the JSON report is the spool framed by its counts, byte for byte what `ImportReport`
/// writes for the same records.
public final class SpooledImportReport {
    /// The counts (its `records` stay empty).
    public private(set) var counts = ImportReport()
    private let spool: FileHandle
    private let onRejected: ((ImportReport.Record) -> Void)?
    private let flushBytes: Int
    private let keepsRecords: Bool
    private var pending: [UInt8] = []
    private var written = 0

    /// A report spooling to a new temporary file, removed from the folder at once (the open handle keeps
    /// it until the process ends). `onRejected` hears of each rejected record as it is added; the spool is
    /// written whenever `flushBytes` of records are waiting. Without `keepsRecords` only the counts are
    /// kept (a report that will never be written as JSON).
    public init(keepsRecords: Bool = true, flushBytes: Int = 1 << 20, onRejected: ((ImportReport.Record) -> Void)? = nil) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-report-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forUpdatingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        try FileManager.default.removeItem(atPath: path)
        spool = handle
        self.onRejected = onRejected
        self.keepsRecords = keepsRecords
        self.flushBytes = flushBytes
    }

    /// Adds one chunk of a pipeline run (as `ImportReport.add`).
    public func add(file: String, format: IntakeFormat, records: [IntakeRecord], outcomes: [ImportOutcome?]) throws {
        var chunk = ImportReport()
        chunk.add(file: file, format: format, records: records, outcomes: outcomes)
        counts.accepted += chunk.accepted
        counts.duplicates += chunk.duplicates
        counts.rejected += chunk.rejected
        for record in chunk.records { try add(record) }
    }

    /// Adds one record reported elsewhere (a server's answer); its counts come with `count(_:)`.
    public func add(_ record: ImportReport.Record) throws {
        if keepsRecords {
            if written > 0 { pending.append(UInt8(ascii: ",")) }
            ImportReport.appendJSON(record, to: &pending)
        }
        written += 1
        if record.status == "rejected" { onRejected?(record) }
        if pending.count >= flushBytes { try flush() }
    }

    /// Adds another report's counts (a server's answer, whose records come with `add(_:)`).
    public func count(_ other: ImportReport) {
        counts.accepted += other.accepted
        counts.duplicates += other.duplicates
        counts.rejected += other.rejected
    }

    /// Records which line ranges a server acknowledged and which it did not (`vigil import --server`).
    public func setSentLines(acknowledged: [ImportReport.SentLines], unacknowledged: [ImportReport.SentLines]) {
        counts.acknowledged = acknowledged
        counts.unacknowledged = unacknowledged
    }

    /// How many records the report holds.
    public var recordCount: Int { written }

    /// The whole JSON report, ready to be read back: nothing may be added after.
    public func finishedJSON() throws -> SpooledJSON {
        try flush()
        var opening: [UInt8] = []
        counts.appendJSONOpening(to: &opening)
        var closing: [UInt8] = []
        counts.appendJSONClosing(to: &closing)
        closing.append(UInt8(ascii: "\n"))
        return SpooledJSON(opening: opening, spool: spool, closing: closing)
    }

    /// A finished report's JSON: its counts around the spooled records, which are read back in blocks.
    public struct SpooledJSON: Sendable {
        let opening: [UInt8]
        let spool: FileHandle
        let closing: [UInt8]

        /// Hands the JSON to `output` a block at a time, in order.
        public func write(_ output: ([UInt8]) async throws -> Void) async throws {
            try await output(opening)
            try spool.seek(toOffset: 0)
            while let block = try spool.read(upToCount: 1 << 20), !block.isEmpty {
                try await output(Array(block))
            }
            try await output(closing)
        }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try spool.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}
