import Crypto
import Dispatch
public import Foundation
import VigilCore

/// A batch file that cannot be read at all (nothing of it is imported).
public struct BatchReadError: Error, Sendable, CustomStringConvertible {
    /// Why, with the line where known.
    public var description: String
}

/// A batch split into records. JSON Lines records are parsed on demand, a range at a time, so that a
/// caller can parse the next chunk while it stores the previous one; arrays and CSV are parsed whole.
public struct Batch: Sendable {
    enum Storage {
        case spans(data: [UInt8], spans: [RecordSpan], format: IntakeFormat, now: Date)
        case parsed([IntakeRecord])
    }

    let storage: Storage

    /// A batch of records already parsed (a CyberTipline report directory's, read document by document).
    public init(records: [IntakeRecord]) { storage = .parsed(records) }

    init(storage: Storage) { self.storage = storage }

    /// How many records the batch holds.
    public var count: Int {
        switch storage {
        case .spans(_, let spans, _, _): spans.count
        case .parsed(let records): records.count
        }
    }

    /// Parses and returns the records in `range`: on every core, or on the calling thread only when
    /// `onEveryCore` is false (beside a store's single writer, which a parse on every core would slow).
    public func records(_ range: Range<Int>, onEveryCore: Bool = true) -> [IntakeRecord] {
        switch storage {
        case .parsed(let records): return Array(records[range])
        case .spans(let data, let spans, let format, let now):
            return BatchReader.parallelMap(range.count, onEveryCore: onEveryCore) { offset in
                let span = spans[range.lowerBound + offset]
                guard let problem = span.problem else {
                    return BatchReader.record(data, range: span.range, line: span.line, format: format, now: now)
                }
                return IntakeRecord(
                    line: span.line, ref: nil, result: .failure(IntakeRejection(errors: [FieldError(field: "", message: problem)])))
            }
        }
    }
}

/// Splits a batch (JSON Lines, JSON array, or CSV for P2P) into records and parses each one on its own.
public enum BatchReader {
    /// Parses a whole batch held in memory. Per-record problems become rejected records; only an
    /// unreadable file (bad UTF-8 in CSV, a broken JSON array) throws.
    public static func read(_ data: [UInt8], format: IntakeFormat, now: Date) throws(BatchReadError) -> [IntakeRecord] {
        let batch = try open(data, format: format, now: now)
        return batch.records(0..<batch.count)
    }

    /// Splits a batch into records without parsing JSON Lines yet. `firstLine` is the number of the
    /// batch's first line in a larger file that a client sends in parts (JSON Lines only): records and
    /// their messages then carry the file's own line numbers. `now` is the import's time: a record's times
    /// may lie at most a day after it.
    public static func open(_ data: [UInt8], format: IntakeFormat, firstLine: Int = 1, now: Date) throws(BatchReadError) -> Batch {
        let start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard data[start...].contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return Batch(storage: .parsed([])) }
        let layout = BatchLayout.of(data[...], format: format)
        guard layout == .jsonLines || firstLine == 1 else {
            throw BatchReadError(description: "a first line number applies to JSON Lines only; send a JSON array or CSV file whole")
        }
        switch layout {
        case .jsonArray:
            var splitter = JSONArraySplitter()
            let elements = data.withUnsafeBufferPointer { splitter.spans(in: $0, atEnd: true) }
            return Batch(storage: .spans(data: data, spans: elements, format: format, now: now))
        case .xml:
            var splitter = XMLRecordSplitter()
            let records = data.withUnsafeBufferPointer { splitter.spans(in: $0, atEnd: true) }
            return Batch(storage: .spans(data: data, spans: records, format: format, now: now))
        case .jsonLines:
            return Batch(storage: .spans(data: data, spans: splitLines(data, from: start, firstLine: firstLine), format: format, now: now))
        case .csv: return Batch(storage: .parsed(try readCSV(data, from: start, now: now)))
        }
    }

    /// Splits a segment of a JSON Lines file — whole lines, the first numbered `firstLine` — into records
    /// without parsing them yet; every non-blank line is a record, so a line that is not JSON is that
    /// record's error, never the segment's.
    public static func openLines(_ data: [UInt8], format: IntakeFormat, firstLine: Int, now: Date) -> Batch {
        let start = firstLine == 1 && data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return Batch(storage: .spans(data: data, spans: splitLines(data, from: start, firstLine: firstLine), format: format, now: now))
    }

    /// Splits a segment of a larger batch (`BatchSegmenter`) into records without parsing JSON yet; a CSV
    /// segment is parsed at once. Throws `BatchReadError` only for a CSV header that cannot be read or lacks
    /// a column (the batch's first segment holds the header too, so nothing of it has been stored yet).
    public static func open(_ segment: BatchSegmenter.Segment, format: IntakeFormat, now: Date) throws(BatchReadError) -> Batch {
        switch segment.layout {
        case .jsonLines: return openLines(segment.bytes, format: format, firstLine: segment.firstLine, now: now)
        case .jsonArray, .xml: return Batch(storage: .spans(data: segment.bytes, spans: segment.elements, format: format, now: now))
        case .csv: return Batch(storage: .parsed(try readCSV(segment.bytes, from: 0, rowsFirstLine: segment.firstLine, now: now)))
        }
    }

    /// Parses one JSON record's bytes: syntax, then the format's own validation.
    static func record(_ bytes: [UInt8], range: Range<Int>, line: Int, format: IntakeFormat, now: Date) -> IntakeRecord {
        if format == .cybertipXML { return xmlRecord(bytes[range], line: line, now: now) }
        var parser = JSONParser(bytes: bytes, range: range, firstLine: line)
        do {
            let value = try parser.parseDocument()
            return record(value, raw: String(decoding: bytes[range], as: UTF8.self), line: line, format: format, now: now)
        } catch {
            return IntakeRecord(
                line: line, ref: nil,
                result: .failure(
                    IntakeRejection(errors: [
                        FieldError(field: "", message: "invalid JSON: \(error.message) (line \(error.line))")
                    ])))
        }
    }

    static func record(_ value: JSONValue, raw: String, line: Int, format: IntakeFormat, now: Date) -> IntakeRecord {
        var ref: String?
        if case .string(let text)? = value[format.refField] { ref = text }
        let parsed = format == .nca ? NCAPackageParser.parse(value, now: now) : P2PLeadParser.parse(value, now: now)
        let result = parsed.map { ReferralSubmission(referral: $0, raw: raw, contentDigest: value.contentDigest) }
        return IntakeRecord(line: line, ref: ref, result: result)
    }

    /// Parses one XML record (`cybertip-xml`): well-formedness, then the CyberTipline validation. The raw
    /// payload is the record's text; its digest is that of its canonical form, so the same report laid out
    /// or quoted otherwise is still a duplicate.
    static func xmlRecord(_ bytes: ArraySlice<UInt8>, line: Int, now: Date) -> IntakeRecord {
        switch MarkupTreeBuilder.parse(bytes, firstLine: line) {
        case .failure(let failure):
            return IntakeRecord(
                line: line, ref: nil,
                result: .failure(IntakeRejection(errors: [FieldError(field: "", message: "line \(failure.line): \(failure.message)")])))
        case .success(let element):
            return xmlRecord(element, raw: String(decoding: bytes, as: UTF8.self), line: line, now: now)
        }
    }

    /// Validates and reads an XML record already parsed into `element`, with `raw` as its stored payload.
    public static func xmlRecord(_ element: MarkupElement, raw: String, line: Int, now: Date) -> IntakeRecord {
        let digest = SHA256.hash(data: Array(element.canonicalText.utf8)).withUnsafeBytes { HexText.lowercase(raw: $0) }
        let result = CybertipXMLParser.parse(element, now: now).map { ReferralSubmission(referral: $0, raw: raw, contentDigest: digest) }
        return IntakeRecord(line: line, ref: CybertipXMLParser.reportId(element), result: result)
    }

    /// The non-blank lines of JSON Lines with their numbers. (A request body of 10,000 packages is ~13 MB;
    /// a byte-by-byte search for line ends took ~10 ms of it before any parsing, `memchr` well under 1 ms.)
    private static func splitLines(_ data: [UInt8], from start: Int, firstLine: Int) -> [RecordSpan] {
        data.withUnsafeBufferPointer { bytes -> [RecordSpan] in
            var lines: [RecordSpan] = []
            var lineStart = start
            var lineNumber = firstLine
            while lineStart < bytes.count {
                let next = bytes.endOfLine(from: lineStart)
                var contentEnd = next > lineStart && bytes[next - 1] == 0x0A ? next - 1 : next
                if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                if bytes[lineStart..<contentEnd].contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    lines.append(RecordSpan(range: lineStart..<contentEnd, line: lineNumber))
                }
                lineStart = next
                lineNumber += 1
            }
            return lines
        }
    }

    /// `transform(0..<count)` computed in slices on all cores (records are independent), in order; on
    /// the calling thread alone unless `onEveryCore`.
    static func parallelMap(_ count: Int, onEveryCore: Bool = true, _ transform: @Sendable (Int) -> IntakeRecord) -> [IntakeRecord] {
        let slices = count < 256 || !onEveryCore ? 1 : ProcessInfo.processInfo.activeProcessorCount * 4
        let sliceSize = (count + slices - 1) / max(slices, 1)
        return [IntakeRecord](unsafeUninitializedCapacity: count) { buffer, initialised in
            nonisolated(unsafe) let base = buffer.baseAddress
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                for index in slice * sliceSize..<min(count, (slice + 1) * sliceSize) {
                    (base! + index).initialize(to: transform(index))
                }
            }
            initialised = count
        }
    }

    /// Reads CSV with a header row; each row becomes an object of its non-empty cells (as strings). A
    /// malformed row (bad quoting, bad UTF-8, the wrong number of cells) is rejected with its line and the
    /// rows after it still land; only a missing or unreadable header refuses the file. `rowsFirstLine` is
    /// the file's number of the first row's line when `data` is a segment: the header, then rows from later
    /// in the file.
    private static func readCSV(_ data: [UInt8], from start: Int, rowsFirstLine: Int? = nil, now: Date) throws(BatchReadError) -> [IntakeRecord] {
        var rows = CSVRows(data, from: start)
        guard let headerRow = rows.next() else { return [] }
        if let rowsFirstLine { rows.numberNextRow(rowsFirstLine) }
        let header: [String]
        switch headerRow.cells {
        case .success(let cells): header = cells
        case .failure(let error): throw BatchReadError(description: "line 1: cannot read the CSV header: \(error.message)")
        }
        let required = ["leadId", "tool", "network", "detectedAt", "ipAddress", "firstSeen", "lastSeen"]
        let missing = required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw BatchReadError(description: "line 1: the CSV header lacks column(s) \(missing.joined(separator: ", "))")
        }
        if let repeated = JSONMembers(header.map { ($0, JSONValue.null) }).firstDuplicateName() {
            throw BatchReadError(description: "line 1: the CSV header names column '\(DisplayText.echoed(repeated))' twice")
        }
        var records: [IntakeRecord] = []
        while let row = rows.next() {
            switch row.cells {
            case .failure(let error):
                records.append(IntakeRecord(line: row.line, ref: nil, result: .failure(IntakeRejection(errors: [error]))))
            case .success(let cells):
                guard cells.contains(where: { !$0.isEmpty }) else { continue }
                guard cells.count == header.count else {
                    records.append(
                        IntakeRecord(
                            line: row.line, ref: nil,
                            result: .failure(
                                IntakeRejection(errors: [
                                    FieldError(field: "", message: "row has \(cells.count) cells; the header has \(header.count)")
                                ]))))
                    continue
                }
                let value = JSONValue.object(JSONMembers(zip(header, cells).filter { !$0.1.isEmpty }.map { ($0, .string($1)) }))
                records.append(record(value, raw: value.canonicalText, line: row.line, format: .p2p, now: now))
            }
        }
        return records
    }
}
