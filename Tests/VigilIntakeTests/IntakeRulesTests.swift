import Foundation
import Testing
import VigilCore
import VigilIntake

@Suite("FORMATS.md general rules")
struct IntakeRulesTests {
    @Test("a timestamp without an offset rejects the record, naming the field")
    func offsetRequired() throws {
        let record = try read(ncaPackage { $0["disseminatedAt"] = "2026-03-01T09:00:00" }, .nca)[0]
        #expect(errors(record).map(\.field) == ["disseminatedAt"])
        #expect(errors(record).first?.message.contains("offset") == true)
    }

    @Test("every bad field of a record is reported at once")
    func allErrors() throws {
        let record = try read(
            ncaPackage {
                $0["packageType"] = "SUSPECT"
                $0["packageId"] = "has spaces"
                $0["childrenKnown"] = [["age": 19, "relation": "cousin"]]
                $0.removeValue(forKey: "cybertip")
            }, .nca)[0]
        #expect(
            Set(errors(record).map(\.field)) == [
                "packageId", "packageType", "childrenKnown[0].age",
                "childrenKnown[0].relation", "cybertip",
            ])
    }

    @Test("null and a missing optional field both mean unknown; wrong types are errors")
    func nulls() throws {
        let nulls = try read(
            ncaPackage {
                $0["ncmecPriority"] = NSNull(); $0["subscriber"] = NSNull()
            }, .nca)[0]
        #expect(errors(nulls).isEmpty)
        let wrong = try read(ncaPackage { $0["suspectOccupation"] = ["worksWithChildren": 1] }, .nca)[0]
        #expect(errors(wrong).map(\.field) == ["suspectOccupation.worksWithChildren"])
    }

    @Test("JSON Lines: blank lines skipped, line numbers kept, a broken line rejected alone, BOM ignored")
    func jsonLines() throws {
        let good2 = ncaPackage { $0["packageId"] = "NCA-T-2" }
        let text = "\u{FEFF}" + ncaPackage() + "\n\n{broken\r\n" + good2 + "\n"
        let records = try read(text, .nca)
        #expect(records.map(\.line) == [1, 3, 4])
        #expect(records.map { (try? $0.result.get()) != nil } == [true, false, true])
        #expect(errors(records[1]).first?.message.contains("invalid JSON") == true)
    }

    @Test("a chunk parsed on one thread holds the same records as one parsed on every core")
    func oneThreadOrEveryCore() throws {
        let lines = (0..<300).map { index in index == 150 ? "{broken" : ncaPackage { $0["packageId"] = "NCA-T-\(index)" } }
        let batch = try BatchReader.open(Array(lines.joined(separator: "\n").utf8), format: .nca, now: Date())
        let describe = { (records: [IntakeRecord]) in
            records.map { "\($0.line) \($0.ref ?? "-") \((try? $0.result.get().contentDigest) ?? "rejected")" }
        }
        let everyCore = describe(batch.records(0..<300))
        #expect(describe(batch.records(0..<300, onEveryCore: false)) == everyCore)
        #expect(everyCore.count == 300 && everyCore[150] == "151 - rejected" && everyCore[299].hasPrefix("300 NCA-T-299 "))
    }

    @Test("a part of a larger JSON Lines file reports the file's line numbers; arrays and CSV take no first line")
    func firstLineOfAPart() throws {
        let text = ncaPackage() + "\n\n{broken\n"
        let batch = try BatchReader.open(Array(text.utf8), format: .nca, firstLine: 90_001, now: Date())
        let records = batch.records(0..<batch.count)
        #expect(records.map(\.line) == [90_001, 90_003])
        #expect(errors(records[1]).first?.message.contains("(line 90003)") == true, "\(errors(records[1]))")
        #expect(throws: BatchReadError.self) { try BatchReader.open(Array(("[" + ncaPackage() + "]").utf8), format: .nca, firstLine: 2, now: Date()) }
        #expect(throws: BatchReadError.self) { try BatchReader.open(Array("leadId,tool\n".utf8), format: .p2p, firstLine: 2, now: Date()) }
    }

    @Test("a JSON Lines file is cut at line ends into parts of at most N lines or about M bytes, with the file's line numbers")
    func partsOfAFile() {
        let text = Array("{\"a\":1}\n\n{\"b\":22}\r\n{\"c\":333}\n{\"d\":4}".utf8)
        let byLines = JSONLinesPart.split(text, maxLines: 2, maxBytes: 1 << 20)
        #expect(byLines.map { $0.firstLine...$0.lastLine } == [1...2, 3...4, 5...5])
        #expect(byLines.flatMap(\.bytes) == text, "the parts are the file, in order, nothing lost or repeated")
        #expect(byLines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["{\"a\":1}\n\n", "{\"b\":22}\r\n{\"c\":333}\n", "{\"d\":4}"])
        let bySize = JSONLinesPart.split(text, maxLines: 100, maxBytes: 10)
        #expect(bySize.map { $0.firstLine...$0.lastLine } == [1...3, 4...4, 5...5])
        #expect(bySize.flatMap(\.bytes) == text)
        #expect(JSONLinesPart.split([], maxLines: 2, maxBytes: 10).isEmpty)
        let later = JSONLinesPart.split(text, firstLine: 101, maxLines: 2, maxBytes: 1 << 20)
        #expect(later.map { $0.firstLine...$0.lastLine } == [101...102, 103...104, 105...105], "a segment later in a file keeps the file's numbers")
    }

    @Test("JSON array: each element keeps its start line and exact bytes")
    func jsonArray() throws {
        let text = "[\n  " + ncaPackage() + ",\n  {\"packageId\": \"NCA-T-2\",\n \"x\": 1}\n]"
        let records = try read(text, .nca)
        #expect(records.map(\.line) == [2, 3])
        #expect(try records[0].result.get().raw == ncaPackage())
        #expect(errors(records[1]).contains { $0.field == "packageType" })
    }

    @Test(
        "a JSON array's elements stand alone: a broken element, an empty one, a missing ']' and text after it are each an error with its line, and every whole element lands"
    )
    func brokenArray() throws {
        let good = ncaPackage()
        let text = "[\n" + good + ",\n{\"a\": tru},\n,\n" + ncaPackage { $0["packageId"] = "NCA-T-2" } + "\n] trailing\n"
        let records = try read(text, .nca)
        #expect(records.map(\.line) == [2, 3, 4, 5, 6])
        #expect(records[0].ref == "NCA-T-1" && (try? records[0].result.get()) != nil)
        #expect(errors(records[1]).first?.message.contains("invalid JSON") == true)
        #expect(errors(records[2]).first?.message.contains("empty element") == true)
        #expect(records[3].ref == "NCA-T-2" && (try? records[3].result.get()) != nil)
        #expect(errors(records[4]).first?.message.contains("after the JSON array's closing") == true)
        let truncated = try read("[\n" + good + ",\n  {\"packageId\": \"NCA-T-3\",\n", .nca)
        #expect(truncated.map(\.line) == [2, 3] && (try? truncated[0].result.get()) != nil)
        #expect(errors(truncated[1]).first?.message.contains("never closed") == true)
    }

    @Test("unknown fields are kept in the raw payload; canonical form ignores key order and spacing")
    func rawAndCanonical() throws {
        let a = try read(
            #"{"packageId":"NCA-T-1","packageType":"NOCAP","disseminatedAt":"2026-03-01T09:00:00Z","cybertip":{"reportId":1,"reportedInformation":{"incidentSummary":{"incidentType":"x"}}},"extra":{"kept":true}}"#,
            .nca)[0]
        let b = try read(
            #"{ "extra": {"kept": true}, "cybertip": {"reportedInformation": {"incidentSummary": {"incidentType": "x"}}, "reportId": 1}, "disseminatedAt": "2026-03-01T09:00:00Z", "packageType": "NOCAP", "packageId": "NCA-T-1" }"#,
            .nca)[0]
        #expect(try a.result.get().raw.contains(#""extra":{"kept":true}"#))
        #expect(try a.result.get().contentDigest == b.result.get().contentDigest)
        #expect(try a.result.get().raw != b.result.get().raw)
    }

    @Test("a member name given twice, at any depth, rejects the record and names the member")
    func repeatedMemberName() throws {
        var parser = JSONParser(bytes: Array(#"{"b": 1, "a": {"x": true}, "c": null}"#.utf8))
        let value = try parser.parseDocument()
        #expect(value.canonicalText == #"{"a":{"x":true},"b":1,"c":null}"#)
        let package = ncaPackage()
        let twice = try read(
            package.replacingOccurrences(of: #""packageType":"NOCAP""#, with: #""packageType":"car","packageType":"NOCAP""#),
            .nca)[0]
        #expect(twice.errors.map(\.message) == ["invalid JSON: member 'packageType' is given twice in one object (line 1)"])
        let deep = try read(package.replacingOccurrences(of: #""reportId":1"#, with: #""reportId":1,"reportId":2"#), .nca)[0]
        #expect(deep.errors.first?.message.contains("member 'reportId' is given twice") == true)
        let ids = try read(package.replacingOccurrences(of: #""packageId":"NCA-T-1""#, with: #""packageId":"A","packageId":"B""#), .nca)[0]
        #expect(ids.errors.first?.message.contains("member 'packageId' is given twice") == true)
    }

    @Test("an object of 1,000 members in descending name order parses and canonicalises; past 1,000 members it is refused")
    func manyMembers() throws {
        let members = (0..<1_000).reversed().map { #""m\#(String(format: "%05d", $0))":\#($0)"# }
        var parser = JSONParser(bytes: Array(("{" + members.joined(separator: ",") + "}").utf8))
        let value = try parser.parseDocument()
        let canonical = value.canonicalText
        #expect(canonical.hasPrefix(#"{"m00000":0,"m00001":1,"#) && canonical.hasSuffix(#""m00999":999}"#))
        let tooMany = (0...1_000).map { #""m\#($0)":0"# }
        var refused = JSONParser(bytes: Array(("{" + tooMany.joined(separator: ",") + "}").utf8))
        #expect(throws: JSONSyntaxError.self) { try refused.parseDocument() }
        let duplicateLate = (0..<200).map { #""m\#($0)":0"# } + [#""m7":1"#]
        var late = JSONParser(bytes: Array(("{" + duplicateLate.joined(separator: ",") + "}").utf8))
        #expect { try late.parseDocument() } throws: { ($0 as? JSONSyntaxError)?.message == "member 'm7' is given twice in one object" }
    }

    @Test("NULs and control characters in identifiers are refused; echoed values are escaped and cut")
    func controlCharacters() throws {
        let nul = try read(
            ncaPackage {
                $0["subscriber"] = ["ipAddress": "198.51.100.7\u{0}<script>", "at": "2026-02-01T10:00:00Z", "addressType": "installation"]
            }, .nca)[0]
        #expect(nul.errors.map(\.field) == ["subscriber.ipAddress"])
        #expect(nul.errors[0].message == "contains a NUL character")
        let escape = try read(ncaPackage { $0["packageType"] = "\u{1B}[31mRED" + String(repeating: "x", count: 500) }, .nca)[0]
        let message = try #require(escape.errors.first { $0.field == "packageType" }?.message)
        #expect(!message.contains("\u{1B}") && message.contains("\\u{1b}[31mRED"))
        #expect(message.count < 200 && message.contains("bytes)"), "a 500-character value is cut in the message: \(message)")
        let lead = try read(
            #"{"leadId":"L-1","tool":"t","network":"Other","detectedAt":"2026-02-01T10:00:00Z","ipAddress":"198.51.100.7","clientId":"ab\u0007cd","firstSeen":"2026-02-01T09:00:00Z","lastSeen":"2026-02-01T09:30:00Z"}"#,
            .p2p)[0]
        #expect(lead.errors.map(\.field) == ["clientId"])
    }

    @Test("implausible times are refused per record: before 1990, more than a day ahead, offsets past ±14:00")
    func implausibleTimes() throws {
        for (text, problem) in [
            ("0000-01-01T00:00:00Z", "before 1990"), ("1989-12-31T23:59:59Z", "before 1990"),
            ("9999-12-31T23:59:59-23:59", "is not an RFC 3339 timestamp"),
            (Timestamp.format(Date().addingTimeInterval(3 * 86_400)), "more than a day in the future"),
        ] {
            let records = try read(
                [ncaPackage { $0["disseminatedAt"] = text }, ncaPackage { $0["packageId"] = "NCA-T-2" }]
                    .joined(separator: "\n"), .nca)
            #expect(records[0].errors.map(\.field) == ["disseminatedAt"] && records[0].errors[0].message.contains(problem), "\(text)")
            #expect(records[1].errors.isEmpty, "the next record still lands")
        }
        #expect(try read(ncaPackage { $0["disseminatedAt"] = "1990-01-01T00:00:00Z" }, .nca)[0].errors.isEmpty)
        #expect(try read(ncaPackage { $0["disseminatedAt"] = Timestamp.format(Date().addingTimeInterval(3_600)) }, .nca)[0].errors.isEmpty)
        #expect(Timestamp.parse("2026-01-01T00:00:00+14:00") != .failure(.malformed))
        #expect(Timestamp.parse("2026-01-01T00:00:00-14:01") == .failure(.malformed))
    }

    @Test(
        "a malformed CSV row is rejected with its line, and every row after it is still read",
        arguments: [
            "\"quoted\"tail", "\"unterminated", "mid\"quote",
        ])
    func csvResynchronises(cell: String) throws {
        let header = "leadId,tool,network,detectedAt,ipAddress,firstSeen,lastSeen"
        func row(_ id: String, tool: String = "t") -> String {
            "\(id),\(tool),Other,2026-02-01T10:00:00Z,198.51.100.7,2026-02-01T09:00:00Z,2026-02-01T09:30:00Z"
        }
        let text = [header, row("L-1"), row("L-2", tool: cell), row("L-3"), row("L-4")].joined(separator: "\n") + "\n"
        let records = try read(text, .p2p)
        #expect(records.map(\.line) == [2, 3, 4, 5], "every line of the file is accounted for")
        #expect(records.map(\.errors.isEmpty) == [true, false, true, true])
        #expect(records[1].errors[0].message.hasPrefix("malformed CSV row"))
        #expect(try records[3].result.get().referral.ref == "L-4")
    }

    @Test("a Latin-1 byte rejects its CSV row only; quoted cells may span lines and hold quotes")
    func csvEncodingAndQuotes() throws {
        let header = "leadId,tool,network,detectedAt,ipAddress,firstSeen,lastSeen"
        let good = "L-1,\"Example \"\"Watch\"\"\nsecond line\",Other,2026-02-01T10:00:00Z,198.51.100.7,2026-02-01T09:00:00Z,2026-02-01T09:30:00Z"
        var bytes = Array((header + "\n" + good + "\n").utf8)
        bytes += Array("L-2,caf".utf8) + [0xE9] + Array(",Other,2026-02-01T10:00:00Z,198.51.100.7,2026-02-01T09:00:00Z,2026-02-01T09:30:00Z\n".utf8)
        bytes += Array("L-3,t,Other,2026-02-01T10:00:00Z,198.51.100.7,2026-02-01T09:00:00Z,2026-02-01T09:30:00Z\r\n".utf8)
        let records = try BatchReader.read(bytes, format: .p2p, now: Date())
        #expect(records.map(\.line) == [2, 4, 5])
        #expect(records.map(\.errors.isEmpty) == [true, false, true])
        #expect(records[1].errors[0].message.contains("not valid UTF-8"))
        #expect(try records[0].result.get().raw.contains(#"Example \"Watch\"\nsecond line"#))
        #expect(throws: BatchReadError.self) { try read(header + ",tool\n", .p2p) }
    }

    @Test("enumerations match case-insensitively and are stored normalised")
    func enums() throws {
        let record = try read(
            ncaPackage {
                $0["packageType"] = "Car"; $0["ncmecPriority"] = "e"
            }, .nca)[0]
        #expect(factSet(try referral(record)) == [.imminentDanger])
    }
}

@Suite("P2P leads")
struct P2PLeadTests {
    let header = "leadId,tool,network,detectedAt,ipAddress,port,clientId,firstSeen,lastSeen,extra\n"

    @Test("CSV: quoted cells with commas and newlines, line numbers from the file, extra columns kept")
    func csv() throws {
        let text =
            header
            + "L-1,\"Tool, v2\",gnutella,2026-03-01T10:00:00Z,192.0.2.1,6346,c1,2026-02-28T10:00:00Z,2026-03-01T09:00:00Z,\"two\nlines\"\n"
            + "L-2,Tool,Napster,2026-03-01T10:00:00Z,192.0.2.1,,c2,2026-02-28T10:00:00Z,2026-03-01T09:00:00Z,\n"
        let records = try read(text, .p2p)
        #expect(records.map(\.line) == [2, 4])
        let lead = try referral(records[0])
        #expect(factSet(lead) == [.distribution])
        #expect(lead.linkKeys.map(\.rawValue) == ["p2p:gnutella:c1"])
        #expect(lead.research.ips == [IPObservation(ipAddress: "192.0.2.1", at: try Timestamp.parse("2026-03-01T09:00:00Z").get(), port: 6346)])
        #expect(try records[0].result.get().raw.contains(#""extra":"two\nlines""#))
        #expect(errors(records[1]).map(\.field) == ["network"])
    }

    @Test("CSV without a required column is fatal for the file")
    func csvMissingColumn() {
        #expect(throws: BatchReadError.self) { try read("leadId,tool\nL-1,x\n", .p2p) }
    }

    @Test("times must run firstSeen ≤ lastSeen ≤ detectedAt; ports and counts are checked")
    func ordering() throws {
        let text =
            #"{"leadId":"L-1","tool":"t","network":"eD2k","detectedAt":"2026-03-01T10:00:00Z","ipAddress":"2001:db8::1","port":0,"firstSeen":"2026-03-02T10:00:00Z","lastSeen":"2026-03-01T11:00:00Z","knownFileCount":-2}"#
        #expect(Set(errors(try read(text, .p2p)[0]).map(\.field)) == ["port", "knownFileCount", "firstSeen", "lastSeen"])
    }

    @Test("JSON Lines leads parse the same way as CSV rows")
    func jsonLines() throws {
        let text =
            #"{"leadId":"L-9","tool":"t","network":"BITTORRENT","detectedAt":"2026-03-01T10:00:00Z","ipAddress":"192.0.2.9","port":"51413","firstSeen":"2026-03-01T08:00:00Z","lastSeen":"2026-03-01T09:00:00Z"}"#
        let lead = try referral(try read(text, .p2p)[0])
        #expect(lead.ref == "L-9")
        #expect(lead.research.ips.first?.port == 51413)
        #expect(lead.linkKeys.isEmpty)
    }
}
