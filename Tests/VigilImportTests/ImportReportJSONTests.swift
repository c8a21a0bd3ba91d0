import Foundation
import Testing
import VigilCore
import VigilImport
import VigilIntake
import VigilStore
import VigilTesting

@Suite("import report JSON")
struct ImportReportJSONTests {
    /// A report with every kind of record, and text that needs escaping.
    private var report: ImportReport {
        var report = ImportReport()
        report.add(file: "batch.jsonl", line: 1, ref: "NCA-1", format: .nca, outcome: .accepted(CaseID(42)))
        report.add(file: "batch.jsonl", line: 2, ref: "NCA-1", format: .nca, outcome: .duplicate(CaseID(42)))
        report.add(file: "batch.jsonl", line: 3, ref: "NCA-2", format: .nca, outcome: .conflict(CaseID(7)))
        report.add(file: "batch.jsonl", line: 4, ref: "NCA-3", format: .nca, outcome: .failed("the database refused the record: \"busy\""))
        report.reject(
            file: "dir/odd \"name\"\\é.jsonl", line: 5, ref: nil,
            errors: [
                FieldError(field: "subscriber.ipAddress", message: "'203.0.113.999' is not an IPv4 or IPv6 address"),
                FieldError(field: "", message: "invalid JSON:\tunexpected character '\n' (line 5) – Zoë 🙂"),
            ])
        report.reject(file: "body", line: 6, ref: "P2P-1", errors: [])
        report.validated(file: "body", line: 7, ref: "P2P-2")
        return report
    }

    @Test("the hand-written report is byte for byte what VigilJSON's encoder writes from the Codable form")
    func sameTextAsEncoder() throws {
        let expected = String(decoding: try VigilJSON.encoder.encode(report), as: UTF8.self)
        #expect(String(decoding: report.jsonBytes, as: UTF8.self) == expected)
        #expect(
            String(decoding: ImportReport().jsonBytes, as: UTF8.self)
                == String(decoding: try VigilJSON.encoder.encode(ImportReport()), as: UTF8.self))
    }

    @Test("control characters the encoder spells differently still read back as the same text")
    func controlCharactersRoundTrip() throws {
        var report = ImportReport()
        report.reject(file: "body", line: 1, ref: "a\u{8}b\u{C}c\u{1F}", errors: [FieldError(field: "x\u{0}", message: "\r\n")])
        let decoded = try JSONDecoder().decode(ImportReport.self, from: Data(report.jsonBytes))
        #expect(decoded.records.map(\.ref) == ["a\u{8}b\u{C}c\u{1F}"])
        #expect(decoded.records.flatMap(\.errors) == [FieldError(field: "x\u{0}", message: "\r\n")])
        #expect(decoded.rejected == 1)
    }

    @Test("a conflict's error names the case that holds the stored referral")
    func conflictNamesTheCase() {
        let conflict = report.records[2]
        #expect(conflict.status == "rejected" && conflict.caseId == nil)
        #expect(
            conflict.errors == [
                FieldError(field: "packageId", message: "a different referral with this ref is already stored in C-000007; nothing was overwritten")
            ])
    }
}

@Suite("spooled import reports")
struct SpooledImportReportTests {
    @Test("a spooled report writes the same JSON as the report held in memory, and hears of each rejection once")
    func sameJSONAsInMemory() async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/nca-packages.jsonl")
        var bytes = Array(try Data(contentsOf: samples))
        bytes += Array("{broken\n".utf8)
        let records = try BatchReader.read(bytes, format: .nca, now: Date(timeIntervalSince1970: 1_800_000_000))
        var inMemory = ImportReport()
        inMemory.add(file: "b.jsonl", format: .nca, records: records, outcomes: records.map { _ in nil })
        var told: [Int] = []
        let spooled = try SpooledImportReport(flushBytes: 512) { told.append($0.line) }
        for start in stride(from: 0, to: records.count, by: 7) {
            let chunk = Array(records[start..<min(start + 7, records.count)])
            try spooled.add(file: "b.jsonl", format: .nca, records: chunk, outcomes: chunk.map { _ in nil })
        }
        var written: [UInt8] = []
        try await spooled.finishedJSON().write { written += $0 }
        #expect(written == inMemory.jsonBytes + [UInt8(ascii: "\n")])
        #expect(spooled.recordCount == records.count && inMemory.rejected >= 1)
        #expect(told == inMemory.records.filter { $0.status == "rejected" }.map(\.line))
    }
}

@Suite("reading import reports back")
struct ImportReportReaderTests {
    private func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a report read a record at a time gives every record and count the report holds, across many blocks")
    func readsWhatWasWritten() throws {
        var report = ImportReport()
        for line in 1...30_000 {
            switch line % 4 {
            case 0: report.add(file: "b", line: line, ref: "NCA-\(line)", format: .nca, outcome: .accepted(CaseID(Int64(line))))
            case 1: report.add(file: "b", line: line, ref: "NCA-\(line - 1)", format: .nca, outcome: .duplicate(CaseID(Int64(line))))
            case 2:
                report.reject(
                    file: "b", line: line, ref: "x\"}],{[\\",
                    errors: [FieldError(field: "a[0].b", message: "unexpected '}' then ']' and \"records\":[ in \\\"text\\\"")])
            default: report.add(file: "b", line: line, ref: "NCA-\(line)", format: .nca, outcome: .conflict(CaseID(3)))
            }
        }
        report.acknowledged = [.init(file: "f \"records\":[", lines: 1...10, reason: nil)]
        report.unacknowledged = [.init(file: "f", fromLine: 11, reason: "no answer ]}")]
        let bytes = report.jsonBytes
        #expect(bytes.count > 3 << 20, "the report spans several of the reader's 1 MiB blocks")
        let path = try file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var read: [ImportReport.Record] = []
        let counts = try ImportReportReader.read(path: path) { read.append($0) }
        #expect(read.count == report.records.count)
        #expect(read.map(\.line) == report.records.map(\.line))
        #expect(read.map(\.ref) == report.records.map(\.ref))
        #expect(read.map(\.status) == report.records.map(\.status))
        #expect(read.map(\.caseId) == report.records.map(\.caseId))
        #expect(read.map { $0.errors.map(\.message) } == report.records.map { $0.errors.map(\.message) })
        #expect(read.map { $0.errors.map(\.field) } == report.records.map { $0.errors.map(\.field) })
        #expect(counts.accepted == report.accepted && counts.duplicates == report.duplicates && counts.rejected == report.rejected)
        #expect(counts.records.isEmpty)
        #expect(counts.acknowledged?.first?.file == "f \"records\":[")
        #expect(counts.unacknowledged?.first?.reason == "no answer ]}")
    }

    @Test("a report cut short, or with no records array, is refused rather than read as fewer records")
    func truncatedIsMalformed() throws {
        var report = ImportReport()
        report.add(file: "b", line: 1, ref: "NCA-1", format: .nca, outcome: .accepted(CaseID(1)))
        report.add(file: "b", line: 2, ref: "NCA-2", format: .nca, outcome: .accepted(CaseID(2)))
        let bytes = report.jsonBytes
        for cut in [bytes.count / 2, bytes.count - 3, 5] {
            let path = try file(Array(bytes.prefix(cut)))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: (any Error).self) { try ImportReportReader.read(path: path) { _ in } }
        }
        let whole = try file(bytes)
        defer { try? FileManager.default.removeItem(atPath: whole) }
        #expect(try ImportReportReader.read(path: whole) { _ in }.accepted == 2)
    }
}
