import Foundation
import Testing
import VigilCore
import VigilImport
import VigilIntake
import VigilTesting

@Suite("batch files read in segments")
struct BatchFileTests {
    /// Sample packages with a BOM, blank lines, CRLF endings, a line that is not JSON, a line longer than
    /// the smallest segment, and no line end after the last record.
    private static func awkwardFile() throws -> [UInt8] {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/nca-packages.jsonl")
        let lines = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n").prefix(40).map(String.init)
        var text = "\u{FEFF}" + lines[0] + "\n\n" + lines[1] + "\r\n"
        text += "this is not JSON\n   \n" + String(repeating: " ", count: 5000) + lines[2] + "\n"
        text += lines[3...].joined(separator: "\n")
        return Array(text.utf8)
    }

    /// The records, as (line, ref, errors or nil) triples a comparison can read.
    private static func summary(_ records: [IntakeRecord]) -> [String] {
        records.map { record in
            switch record.result {
            case .success: "\(record.line) \(record.ref ?? "-") ok"
            case .failure(let rejection): "\(record.line) \(record.ref ?? "-") \(rejection.errors.map { "\($0.field): \($0.message)" })"
            }
        }
    }

    @Test(
        "a JSON Lines file read in segments of any size gives the records, lines and errors of the file read whole", arguments: [64, 1000, 1 << 20])
    func segmentsMatchWholeFile(segmentBytes: Int) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let bytes = try Self.awkwardFile()
        let path = folder.url.appendingPathComponent("batch.jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let whole = Self.summary(try BatchReader.read(bytes, format: .nca, now: now))
        var segments: [String] = []
        var batches = 0
        var reader = try BatchFile(path: path, format: .nca, segmentBytes: segmentBytes).open()
        while let batch = try await reader.next(now: now) {
            batches += 1
            segments += Self.summary(batch.records(0..<batch.count))
        }
        #expect(segments == whole)
        #expect(whole.count == 41 && whole.contains { $0.hasPrefix("4 - ") && $0.contains("invalid JSON") })
        #expect(segmentBytes > bytes.count ? batches == 1 : batches > 1)
    }

    @Test("a JSON Lines file whose first line is not JSON is still JSON Lines: that line is rejected, the rest land")
    func malformedFirstLine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("batch.jsonl").path
        let samples = Array(try Self.awkwardFile().dropFirst(3))
        #expect(FileManager.default.createFile(atPath: path, contents: Data("not JSON, not CSV\n".utf8 + samples)))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var records: [IntakeRecord] = []
        var reader = try BatchFile(path: path, format: .nca).open()
        while let batch = try await reader.next(now: now) { records += batch.records(0..<batch.count) }
        #expect(records.first?.line == 1 && Self.summary([records[0]])[0].contains("invalid JSON"))
        let outcome = { (record: IntakeRecord) in "\(record.ref ?? "-") \((try? record.result.get()) != nil)" }
        let alone = try BatchReader.read(samples, format: .nca, now: now)
        #expect(records.dropFirst().map(\.line) == alone.map { $0.line + 1 }, "the records after it keep the file's line numbers")
        #expect(records.dropFirst().map(outcome) == alone.map(outcome), "and read as in the file without it")
    }

    @Test(
        "the layout is told from the first line: [ is an array, a P2P first line without { is a CSV header, anything else JSON Lines",
        arguments: [
            ("[{}]", IntakeFormat.nca, BatchLayout.jsonArray), ("\u{FEFF}\n  [", .p2p, .jsonArray), ("{\"leadId\": 1}", .p2p, .jsonLines),
            ("leadId,tool\n{", .p2p, .csv), ("\u{FEFF}leadId,tool", .p2p, .csv), ("not JSON\n{}", .nca, .jsonLines),
            ("garbage {\n", .p2p, .jsonLines), ("", .nca, .jsonLines),
        ])
    func layout(text: String, format: IntakeFormat, expected: BatchLayout) {
        #expect(BatchLayout.of(Array(text.utf8)[...], format: format) == expected)
    }

    /// The records of the file holding `bytes`, read in segments of `segmentBytes`, and how many segments.
    private static func readInSegments(_ bytes: [UInt8], format: IntakeFormat, segmentBytes: Int) async throws -> ([String], Int) {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("batch").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        var (records, batches) = ([String](), 0)
        var reader = try BatchFile(path: path, format: format, segmentBytes: segmentBytes).open()
        while let batch = try await reader.next(now: Date(timeIntervalSince1970: 1_800_000_000)) {
            batches += 1
            records += summary(batch.records(0..<batch.count))
        }
        return (records, batches)
    }

    @Test(
        "a JSON array file read in segments of any size gives the records, lines and errors of the array read whole",
        arguments: [16, 700, 1 << 20])
    func arrayInSegments(segmentBytes: Int) async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/nca-packages.jsonl")
        let lines = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n").prefix(20).map(String.init)
        var text = "\u{FEFF}[\n  " + lines[0] + ",\n" + lines[1] + " , {\"packageId\": \"odd \\\" ] , } [\", \"x\": tru}\r\n,,"
        text += lines[2...].joined(separator: ",\n  ") + "\n]\n"
        let bytes = Array(text.utf8)
        let whole = Self.summary(try BatchReader.read(bytes, format: .nca, now: Date(timeIntervalSince1970: 1_800_000_000)))
        let (segments, batches) = try await Self.readInSegments(bytes, format: .nca, segmentBytes: segmentBytes)
        #expect(segments == whole)
        #expect(whole.count == 22 && whole.filter { $0.hasSuffix(" ok") }.count == 20, "\(whole)")
        #expect(whole[2].hasPrefix("3 - ") && whole[2].contains("invalid JSON"), "\(whole[2])")
        #expect(whole[3].hasPrefix("4 - ") && whole[3].contains("empty element"))
        #expect(segmentBytes > bytes.count ? batches == 1 : batches > 1)
    }

    @Test(
        "an XML batch, with a root or a stream of records, read in segments of any size gives the records, lines and errors of the batch read whole",
        arguments: [16, 5000, 1 << 20], [true, false])
    func xmlInSegments(segmentBytes: Int, rooted: Bool) async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/cybertip-xml/reports.xml")
        var text = try String(contentsOf: samples, encoding: .utf8)
        let broken = "<ncaReferral reportId=\"9\"><report><broken></report></ncaReferral>\n<![CDATA[ <ncaReferral> ]]>\n"
        text =
            rooted
            ? text.replacingOccurrences(of: "</ncaReferrals>", with: broken + "</ncaReferrals>\n<extra/>")
            : text.replacingOccurrences(of: "<ncaReferrals>", with: broken).replacingOccurrences(of: "</ncaReferrals>\n", with: "")
        let bytes = Array(text.utf8)
        let now = try Timestamp.parse("2026-12-01T00:00:00Z").get()
        let whole = Self.summary(try BatchReader.read(bytes, format: .cybertipXML, now: now))
        var (segments, batches) = ([String](), 0)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.url.appendingPathComponent("batch.xml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        var reader = try BatchFile(path: path, format: .cybertipXML, segmentBytes: segmentBytes).open()
        while let batch = try await reader.next(now: now) {
            batches += 1
            segments += Self.summary(batch.records(0..<batch.count))
        }
        #expect(segments == whole)
        #expect(whole.count == (rooted ? 14 : 13) && whole.filter { $0.hasSuffix(" ok") }.count == 11, "\(whole)")
        #expect(whole[rooted ? 11 : 0].contains("not well-formed"), "\(whole)")
        #expect(whole[rooted ? 12 : 1].contains("text outside any XML record"), "\(whole)")
        #expect(!rooted || whole[13].contains("closing </ncaReferrals>"), "\(whole)")
        #expect(segmentBytes > bytes.count ? batches == 1 : batches > 1)
    }

    @Test(
        "a CSV file read in segments of any size gives the rows, lines and errors of the file read whole, each segment under the header",
        arguments: [16, 300, 1 << 20])
    func csvInSegments(segmentBytes: Int) async throws {
        let header = "leadId,tool,network,detectedAt,ipAddress,firstSeen,lastSeen\r\n"
        var text = "\u{FEFF}" + header
        for index in 0..<30 {
            let tool = index % 7 == 3 ? "\"Round\r\nUp\"" : index % 11 == 5 ? "bad\"quote" : "RoundUp"
            text += "L-\(index),\(tool),BitTorrent,2026-03-01T09:00:00Z,192.0.2.\(index + 1),2026-02-01T09:00:00Z,2026-03-01T08:00:00Z\r\n"
        }
        text += "L-last,\"never closed,x\n"
        let bytes = Array(text.utf8)
        let whole = Self.summary(try BatchReader.read(bytes, format: .p2p, now: Date(timeIntervalSince1970: 1_800_000_000)))
        let (segments, batches) = try await Self.readInSegments(bytes, format: .p2p, segmentBytes: segmentBytes)
        #expect(segments == whole)
        #expect(whole.count == 31 && whole.filter { $0.contains("malformed CSV row") }.count == 4, "\(whole)")
        #expect(whole[4].hasPrefix("7 L-4 "), "a quoted line end moves the later rows' lines: \(whole[4])")
        #expect(segmentBytes > bytes.count ? batches == 1 : batches > 1)
    }

    @Test("a CSV file whose header lacks a column is refused before any row is read; a missing file is unreadable")
    func refusedFiles() async throws {
        await #expect(throws: BatchReadError.self) {
            _ = try await Self.readInSegments(Array("leadId,tool\nL-1,x\n".utf8), format: .p2p, segmentBytes: 4)
        }
        let (rows, _) = try await Self.readInSegments(
            Array("leadId,tool,network,detectedAt,ipAddress,firstSeen,lastSeen\n".utf8), format: .p2p, segmentBytes: 4)
        #expect(rows.isEmpty)
        #expect(throws: BatchFile.Unreadable.self) {
            _ = try BatchFile(path: "/nonexistent/absent.jsonl", format: .nca).open()
        }
    }
}
