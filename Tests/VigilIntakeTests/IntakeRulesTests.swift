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
        let record = try read(ncaPackage {
            $0["packageType"] = "SUSPECT"
            $0["packageId"] = "has spaces"
            $0["childrenKnown"] = [["age": 19, "relation": "cousin"]]
            $0.removeValue(forKey: "cybertip")
        }, .nca)[0]
        #expect(Set(errors(record).map(\.field)) == ["packageId", "packageType", "childrenKnown[0].age",
                                                      "childrenKnown[0].relation", "cybertip"])
    }

    @Test("null and a missing optional field both mean unknown; wrong types are errors")
    func nulls() throws {
        let nulls = try read(ncaPackage { $0["ncmecPriority"] = NSNull(); $0["subscriber"] = NSNull() }, .nca)[0]
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
    }

    @Test("JSON array: each element keeps its start line and exact bytes")
    func jsonArray() throws {
        let text = "[\n  " + ncaPackage() + ",\n  {\"packageId\": \"NCA-T-2\",\n \"x\": 1}\n]"
        let records = try read(text, .nca)
        #expect(records.map(\.line) == [2, 3])
        #expect(try records[0].result.get().raw == ncaPackage())
        #expect(errors(records[1]).contains { $0.field == "packageType" })
    }

    @Test("a broken JSON array is fatal for the file, naming its line")
    func brokenArray() {
        #expect(throws: BatchReadError.self) { try read("[\n" + ncaPackage() + ",\n{\"a\": ]", .nca) }
    }

    @Test("unknown fields are kept in the raw payload; canonical form ignores key order and spacing")
    func rawAndCanonical() throws {
        let a = try read(#"{"packageId":"NCA-T-1","packageType":"NOCAP","disseminatedAt":"2026-03-01T09:00:00Z","cybertip":{"reportId":1,"reportedInformation":{"incidentSummary":{"incidentType":"x"}}},"extra":{"kept":true}}"#, .nca)[0]
        let b = try read(#"{ "extra": {"kept": true}, "cybertip": {"reportedInformation": {"incidentSummary": {"incidentType": "x"}}, "reportId": 1}, "disseminatedAt": "2026-03-01T09:00:00Z", "packageType": "NOCAP", "packageId": "NCA-T-1" }"#, .nca)[0]
        #expect(try a.result.get().raw.contains(#""extra":{"kept":true}"#))
        #expect(try a.result.get().contentDigest == b.result.get().contentDigest)
        #expect(try a.result.get().raw != b.result.get().raw)
    }

    @Test("a member name given twice reads as its last value, in the fields and in the canonical form")
    func repeatedMemberName() throws {
        var parser = JSONParser(bytes: Array(#"{"b": 1, "a": {"x": true}, "b": 2, "c": null}"#.utf8))
        let value = try parser.parseDocument()
        #expect(value["b"] == .number("2"))
        #expect(value["a"]?["x"] == .bool(true))
        #expect(value["missing"] == nil)
        #expect(value.canonicalText == #"{"a":{"x":true},"b":2,"c":null}"#)
        #expect(value.contentDigest == "249a435eb437b63f9a3aab436832eb7af4646ef7e6b463f9ec2876e90e297eef",
                "the SHA-256 of the canonical text, as databases made before the parser took the digest over store it")

        let package = ncaPackage()
        #expect(package.contains(#""packageType":"NOCAP""#))
        let twice = try read(package.replacingOccurrences(of: #""packageType":"NOCAP""#, with: #""packageType":"NOCAP","packageType":"CAR""#),
                             .nca)[0]
        #expect(factSet(try referral(twice)) == [.imminentDanger], "the second packageType, CAR, is the one read")
    }

    @Test("enumerations match case-insensitively and are stored normalised")
    func enums() throws {
        let record = try read(ncaPackage { $0["packageType"] = "Car"; $0["ncmecPriority"] = "e" }, .nca)[0]
        #expect(factSet(try referral(record)) == [.imminentDanger])
    }
}

@Suite("P2P leads")
struct P2PLeadTests {
    let header = "leadId,tool,network,detectedAt,ipAddress,port,clientId,firstSeen,lastSeen,extra\n"

    @Test("CSV: quoted cells with commas and newlines, line numbers from the file, extra columns kept")
    func csv() throws {
        let text = header
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
        let text = #"{"leadId":"L-1","tool":"t","network":"eD2k","detectedAt":"2026-03-01T10:00:00Z","ipAddress":"2001:db8::1","port":0,"firstSeen":"2026-03-02T10:00:00Z","lastSeen":"2026-03-01T11:00:00Z","knownFileCount":-2}"#
        #expect(Set(errors(try read(text, .p2p)[0]).map(\.field)) == ["port", "knownFileCount", "firstSeen", "lastSeen"])
    }

    @Test("JSON Lines leads parse the same way as CSV rows")
    func jsonLines() throws {
        let text = #"{"leadId":"L-9","tool":"t","network":"BITTORRENT","detectedAt":"2026-03-01T10:00:00Z","ipAddress":"192.0.2.9","port":"51413","firstSeen":"2026-03-01T08:00:00Z","lastSeen":"2026-03-01T09:00:00Z"}"#
        let lead = try referral(try read(text, .p2p)[0])
        #expect(lead.ref == "L-9")
        #expect(lead.research.ips.first?.port == 51413)
        #expect(lead.linkKeys.isEmpty)
    }
}
