import ArgumentParser
import Foundation
import VigilCore
import VigilIntake

/// Deterministic synthetic NCA packages for benchmarks: documentation-range IPs, `example.*` domains,
/// random hashes, invented names.
struct SyntheticPackages {
    /// A small, fast, seeded generator (SplitMix64), so every run benchmarks the same data.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private var random = Generator(state: 0x5EED)
    private let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    /// Seconds between two consecutive packages' received times.
    var secondsApart: Double = 37

    /// `count` packages as JSON Lines numbered from `firstIndex`, refs `BENCH-<prefix>-<n>`. A package's
    /// subject (address, name, account range) follows from its number, so batches that go on numbering
    /// where the last stopped are one population, while batches that all start at 0 repeat their subjects.
    mutating func jsonLines(count: Int, prefix: String, firstIndex: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 1200)
        for index in firstIndex..<(firstIndex + count) {
            out.append(contentsOf: package(index: index, prefix: prefix).utf8)
            out.append(0x0A)
        }
        return out
    }

    /// `count` records of `format` (NCA packages or CyberTipline XML reports) numbered from `firstIndex`.
    mutating func batch(_ format: IntakeFormat, count: Int, prefix: String, firstIndex: Int = 0) -> [UInt8] {
        format == .cybertipXML
            ? cybertipXML(count: count, prefix: prefix, firstIndex: firstIndex) : jsonLines(count: count, prefix: prefix, firstIndex: firstIndex)
    }

    /// A benchmark's `--format`: the synthetic formats, nca or cybertip-xml.
    static func format(_ text: String) throws -> IntakeFormat {
        guard let format = IntakeFormat(rawValue: text.lowercased()), format != .p2p else {
            throw ValidationError("--format must be nca or cybertip-xml")
        }
        return format
    }

    /// `count` CyberTipline reports in NCMEC's XML, each in its `<ncaReferral>` envelope with two file
    /// details (one reported, one supplemental), numbered from `firstIndex`, report ids `BENCH-<prefix>-<n>`;
    /// a stream of records with no root, so that blocks of it join into one batch.
    mutating func cybertipXML(count: Int, prefix: String, firstIndex: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 3000)
        for index in firstIndex..<(firstIndex + count) {
            out.append(contentsOf: cybertipReport(index: index, prefix: prefix).utf8)
        }
        return out
    }

    private mutating func cybertipReport(index: Int, prefix: String) -> String {
        let received = Timestamp.format(start.addingTimeInterval(Double(index) * secondsApart))
        let incident = Timestamp.format(start.addingTimeInterval(Double(index) * secondsApart - 86_400))
        let octet = Int.random(in: 1...254, using: &random)
        let user = Int.random(in: 0..<(index + 1) * 20, using: &random)
        let hashes = (0..<2).map { _ in (0..<2).map { _ in String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16) }.joined() }
        let incidentType =
            Int.random(in: 0..<10, using: &random) == 0
            ? "Online Enticement of Children for Sexual Acts" : "Child Pornography (possession, manufacture, and distribution)"
        let victim =
            Int.random(in: 0..<6, using: &random) == 0
            ? "<victim><victimPerson><firstName>Bench</firstName><age>\(Int.random(in: 3...17, using: &random))</age></victimPerson></victim>" : ""
        let annotations = ["", "<reportAnnotations><sextortion/></reportAnnotations>", ""].randomElement(using: &random)!
        let id = "BENCH-\(prefix)-\(index)"
        let file = { (hash: String, relevance: String, isPublic: Bool) in
            """
              <fileDetails>
                <reportId>\(id)</reportId>
                <fileId>\(hash)</fileId>
                <originalFileName>file\(index).bin</originalFileName>
                <fileViewedByEsp>true</fileViewedByEsp>
                <publiclyAvailable>\(isPublic)</publiclyAvailable>
                <fileRelevance>\(relevance)</fileRelevance>
                <originalFileHash hashType="MD5">\(hash)</originalFileHash>
                <ipCaptureEvent><ipAddress>203.0.113.\(octet)</ipAddress><eventName>Upload</eventName><dateTime>\(incident)</dateTime></ipCaptureEvent>
              </fileDetails>

            """
        }
        return """
            <ncaReferral reportId="\(id)" disseminatedAt="\(received)">
              <report>
                <incidentSummary>
                  <incidentType>\(incidentType)</incidentType>
                  <platform>Example Chat</platform>
                  \(annotations)
                  <incidentDateTime>\(incident)</incidentDateTime>
                </incidentSummary>
                <reporter><reportingPerson><email>safety@chat.example.com</email></reportingPerson></reporter>
                <personOrUserReported>
                  <personOrUserReportedPerson>
                    <firstName>Bench</firstName>
                    <lastName>Person\(index)</lastName>
                    <phone type="Mobile" countryCallingCode="+44">7700\(String(900_000 + index % 100_000))</phone>
                    <email>bench\(user)@example.com</email>
                    <address><address>\(index % 997) Example Row</address><city>Exampleton</city><zipCode>ZZ\(index % 97) 0XA</zipCode><country>GB</country></address>
                    <dateOfBirth>1980-01-01</dateOfBirth>
                  </personOrUserReportedPerson>
                  <espIdentifier>u\(user)</espIdentifier>
                  <espService>Example Chat</espService>
                  <screenName>bench_user_\(user)</screenName>
                  <ipCaptureEvent><ipAddress>198.51.100.\(octet)</ipAddress><eventName>Login</eventName><dateTime>\(incident)</dateTime><port>443</port></ipCaptureEvent>
                </personOrUserReported>
                \(victim)
              </report>
            \(file(hashes[0], "Reported", Bool.random(using: &random)))\(file(hashes[1], "Supplemental Reported", false))</ncaReferral>

            """
    }

    private mutating func package(index: Int, prefix: String) -> String {
        let received = Timestamp.format(start.addingTimeInterval(Double(index) * secondsApart))
        let type = Int.random(in: 0..<50, using: &random) == 0 ? "CAR" : "NOCAP"
        let octet = Int.random(in: 1...254, using: &random)
        let user = Int.random(in: 0..<(index + 1) * 20, using: &random)
        let hash = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 16) }.joined()
        var children = "[]"
        if Int.random(in: 0..<6, using: &random) == 0 {
            let relation = ["household", "occupation", "other", "victim"].randomElement(using: &random)!
            children = "[{\"age\": \(Int.random(in: 0...17, using: &random)), \"relation\": \"\(relation)\"}]"
        }
        let annotation = ["", "\"sextortion\"", "\"csamSolicitation\"", "", ""].randomElement(using: &random)!
        let incident =
            Int.random(in: 0..<10, using: &random) == 0
            ? "Online Enticement of Children for Sexual Acts" : "Child Pornography (possession, manufacture, and distribution)"
        let publiclyAvailable = Bool.random(using: &random)
        let convicted = Int.random(in: 0..<20, using: &random) == 0
        return """
            {"packageId": "BENCH-\(prefix)-\(index)", "packageType": "\(type)", "disseminatedAt": "\(received)", \
            "ncmecPriority": "\(Int.random(in: 2...3, using: &random))", \
            "subscriber": {"ipAddress": "198.51.100.\(octet)", "at": "\(received)", "isp": "Example Broadband", \
            "addressType": "installation", "address": {"line1": "\(index % 997) Example Row", "town": "Exampleton", \
            "postcode": "ZZ\(index % 97) 0XA"}, "subscriberName": "Bench Person \(index)"}, \
            "childrenKnown": \(children), \
            "cybertip": {"reportId": \(100_000_000 + index), "dateReceived": "\(received)", "reportedInformation": {\
            "reportingEsp": {"espName": "Example Social"}, \
            "incidentSummary": {"incidentType": "\(incident)", "incidentDateTime": "\(received)", \
            "escalateToHighPriority": null, "reportAnnotations": [\(annotation)]}, \
            "reportedPeople": {"reportedPersons": [{"firstName": "Bench", "lastName": "Person\(index)", \
            "dateOfBirth": "1980-01-01", "espService": "Example Chat", "espUserId": "u\(user)", \
            "screenName": {"value": "bench_user_\(user)"}, "emails": {"emails": [{"value": "bench\(user)@example.com"}]}, \
            "convictedSexOffender": \(convicted), "accessToChildren": null, \
            "sourceInformation": {"sourceCaptures": [{"captureType": "IP Address", "value": "203.0.113.\(octet)", \
            "dateTime": "\(received)", "eventName": "Upload", "port": 443}]}}]}, \
            "uploadedFiles": {"uploadedFiles": [{"filename": "file\(index).bin", "verificationHash": "\(hash)", \
            "viewedByEsp": true, "publiclyAvailable": \(publiclyAvailable), "industryClassification": "A1", \
            "fileAnnotations": []}]}}}}
            """
    }
}
