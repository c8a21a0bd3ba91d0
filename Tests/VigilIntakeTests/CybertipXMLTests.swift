import Foundation
import Testing
import VigilCore
import VigilIntake

/// The CyberTipline XML samples, read as one batch at an instant after every time they give.
private func sampleReports() throws -> [String: IntakeRecord] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/cybertip-xml/reports.xml")
    let records = try BatchReader.read(Array(try Data(contentsOf: url)), format: .cybertipXML, now: cybertipNow)
    return Dictionary(uniqueKeysWithValues: records.map { ($0.ref ?? "?", $0) })
}

private let cybertipNow = try! Timestamp.parse("2026-12-01T00:00:00Z").get()

/// One `<ncaReferral>` around a report whose summary and body are given, and its files.
private func xmlReferral(
    incidentType: String = "Child Pornography (possession, manufacture, and distribution)", incidentAt: String = "2026-10-01T10:00:00Z",
    summaryExtra: String = "", body: String = "", files: String = "", envelope: String = #"reportId="77" disseminatedAt="2026-11-01T09:00:00Z""#
) -> String {
    """
    <ncaReferral \(envelope)>
    <report>
    <incidentSummary>
    <incidentType>\(incidentType)</incidentType>
    \(summaryExtra)
    <incidentDateTime>\(incidentAt)</incidentDateTime>
    </incidentSummary>
    <reporter><reportingPerson><email>desk@platform.example.com</email></reportingPerson></reporter>
    \(body)
    </report>
    \(files)
    </ncaReferral>
    """
}

private func readXML(_ text: String) throws -> [IntakeRecord] {
    try BatchReader.read(Array(text.utf8), format: .cybertipXML, now: cybertipNow)
}

private func facts(_ record: IntakeRecord?) throws -> Set<FactKind> {
    let referral = try #require(try record?.result.get().referral)
    return Set(referral.observations.map(\.fact))
}

@Suite("CyberTipline XML: NCMEC's report structure, validated and read into facts")
struct CybertipXMLTests {
    @Test("every sample report is valid, is an ncmec referral under its report id, and received at its dissemination time")
    func samplesAreValid() throws {
        let reports = try sampleReports()
        #expect(reports.count == 11)
        for (ref, record) in reports {
            let referral = try record.result.get().referral
            #expect(referral.source == .ncmec && referral.ref == ref)
        }
        #expect(try reports["900000101"]?.result.get().referral.receivedAt == Timestamp.parse("2026-11-02T09:00:00Z").get())
        // C2–C5: the ESP's XML has no offence history, occupation or other access, so no report gives them.
        let given = try Set(reports.values.flatMap { try $0.result.get().referral.observations.map(\.fact) })
        #expect(given.isDisjoint(with: [.sexualOffenceHistory, .childAccessOccupation, .childAccessOther, .otherRiskFactors]))
    }

    @Test("C1: a non-blank escalateToHighPriority is imminent danger; nothing the XML cannot say is set")
    func escalation() throws {
        let reports = try sampleReports()
        #expect(try facts(reports["900000101"]) == [.imminentDanger])
        let blank = try readXML(xmlReferral(summaryExtra: "<escalateToHighPriority>   </escalateToHighPriority>"))
        #expect(errors(blank[0]).map(\.field) == ["ncaReferral/report/incidentSummary/escalateToHighPriority"])
    }

    @Test("C6 and C8: an intended recipient under 18 at the incident, aged from the date of birth, is a child victim")
    func intendedRecipient() throws {
        let record = try #require(try sampleReports()["900000106"])
        #expect(try facts(record) == [.identifiedChildVictim, .sexualCommunicationWithChild])
        #expect(try record.result.get().referral.children.map(\.age) == [12])
        let adult = try readXML(
            xmlReferral(body: "<intendedRecipient><intendedRecipientPerson><age>18</age></intendedRecipientPerson></intendedRecipient>"))
        #expect(try facts(adult[0]).isEmpty)
    }

    @Test("C7: molestation, or a reported file annotated liveStreaming or physicalHarm, is a contact abuse indicator")
    func contactAbuse() throws {
        #expect(try facts(try sampleReports()["900000107"]) == [.contactAbuseIndicators])
    }

    @Test("C8: sextortion and csamSolicitation annotations are sexual communication with a child")
    func communication() throws {
        #expect(try facts(try sampleReports()["900000108"]) == [.sexualCommunicationWithChild])
    }

    @Test("C9: a publicly available reported file is distribution; a supplemental file's annotations are context only")
    func publiclyAvailable() throws {
        let record = try #require(try sampleReports()["900000109"])
        #expect(try facts(record) == [.distribution])
        #expect(try record.result.get().referral.linkKeys.contains(LinkKey(rawValue: "device:imei:359881030314356")))
    }

    @Test("N1 and N2: a victim is a child victim; a Parent/Guardian account that is the reported user's is household access")
    func victimWithGuardian() throws {
        let record = try #require(try sampleReports()["900000111"])
        #expect(try facts(record) == [.identifiedChildVictim, .childAccessHousehold])
        #expect(try record.result.get().referral.children.map(\.age) == [7])
        let referral = try record.result.get().referral
        #expect(referral.children.map(\.relation) == [.victim])
        #expect(referral.children[0].about == referral.research.addresses.first.map(Subject.address), "placed at the household")
    }

    @Test("N2: a victim at the reported person's address, however it is written, is household access")
    func victimAtSuspectAddress() throws {
        let record = try #require(try sampleReports()["900000112"])
        #expect(try facts(record) == [.identifiedChildVictim, .childAccessHousehold])
        #expect(try record.result.get().referral.children.map(\.age) == [9])
        let elsewhere = try readXML(
            xmlReferral(
                body: """
                    <personOrUserReported><personOrUserReportedPerson><address><address>1 High St</address><zipCode>EX1 1AA</zipCode></address>
                    </personOrUserReportedPerson></personOrUserReported>
                    <victim><victimPerson><address><address>2 High St</address><zipCode>EX1 1AA</zipCode></address></victimPerson></victim>
                    """))
        #expect(try facts(elsewhere[0]) == [.identifiedChildVictim])
    }

    @Test("N3: a peer-to-peer incident is distribution, and its IP event is a subscriber check")
    func peerToPeer() throws {
        let record = try #require(try sampleReports()["900000113"])
        #expect(try facts(record) == [.distribution])
        #expect(try record.result.get().referral.research.ips.map(\.ipAddress) == ["198.51.100.23"])
    }

    @Test("N4: unsolicited obscene material sent to a child is sexual communication with a child")
    func obsceneMaterial() throws {
        #expect(try facts(try sampleReports()["900000114"]) == [.sexualCommunicationWithChild])
    }

    @Test("a batched viral-meme report imports with no suspect details: accounts by identifier under the platform")
    func batchedReport() throws {
        let referral = try #require(try sampleReports()["900000120"]?.result.get().referral)
        #expect(referral.research.persons.isEmpty && referral.research.identifiers.isEmpty && referral.research.ips.isEmpty)
        #expect(referral.linkKeys.map(\.rawValue) == ["esp:platform example:u-12001", "esp:platform example:u-12002"])
        #expect(referral.observations.isEmpty)
    }

    @Test("a batched report may hold no victim and only identifiers of reported accounts")
    func batchedRules() throws {
        let text = xmlReferral(
            summaryExtra: "<platform>P</platform>",
            body: """
                <personOrUserReported><espIdentifier>a</espIdentifier><screenName>x</screenName></personOrUserReported>
                <victim><victimPerson><age>5</age></victimPerson></victim>
                """,
            files: "<fileDetails><reportId>77</reportId><fileId>f1</fileId><fileAnnotations><infant/></fileAnnotations></fileDetails>"
        ).replacingOccurrences(of: "<report>", with: "<report>\n<batchedReport reason=\"VIRAL_POTENTIAL_MEME\"/>")
        let fields = errors(try readXML(text)[0]).map(\.field)
        #expect(fields.contains("ncaReferral/report/victim"))
        #expect(fields.contains("ncaReferral/report/personOrUserReported[1]"))
        #expect(fields.contains("ncaReferral/fileDetails"))
        #expect(fields.contains("ncaReferral/fileDetails/fileAnnotations/infant"))
    }

    @Test("seven IP events in seven zones plan subscriber checks in time order, whatever their order in the text")
    func ipEventsInTimeOrder() throws {
        let referral = try #require(try sampleReports()["900000130"]?.result.get().referral)
        let subscriber = IntelSourceSpec(name: "subscriber", url: "http://127.0.0.1:1/subscriber", needs: .ip, yields: ["address"])
        let checks = CheckPlanner.plan(sources: [subscriber], inputs: referral.research)
        let addresses = checks.map { text in
            String(text.queryText.split(separator: "\"").first { $0.hasPrefix("192.0.2.") } ?? "")
        }
        #expect(addresses == ["192.0.2.74", "192.0.2.76", "192.0.2.77", "192.0.2.71", "192.0.2.73", "192.0.2.75", "192.0.2.72"])
        let times = referral.research.ips.map(\.at)
        #expect(times == times.sorted() && Set(times).count == 7)
    }

    @Test("a time without a zone is refused, naming the element and its line; the batch's other reports land")
    func timeWithoutZone() throws {
        let text =
            "<ncaReferrals>\n" + xmlReferral(incidentAt: "2026-10-01T10:00:00") + "\n"
            + xmlReferral(envelope: #"reportId="78" disseminatedAt="2026-11-01T09:00:00Z""#) + "\n</ncaReferrals>"
        let records = try readXML(text)
        #expect(records.count == 2)
        let problems = errors(records[0])
        #expect(problems.map(\.field) == ["ncaReferral/report/incidentSummary/incidentDateTime"])
        #expect(problems[0].message.hasPrefix("line 7:") && problems[0].message.contains("no time zone"))
        #expect(records[0].line == 2 && records[0].ref == "77")
        #expect(try records[1].result.get().referral.ref == "78")
    }

    @Test("order, enumerations (exact), lengths, country codes, calling codes and times in the past are NCMEC's")
    func validation() throws {
        let outOfOrder = xmlReferral().replacingOccurrences(of: "<reporter>", with: "<reporterMoved>")
            .replacingOccurrences(of: "</reporter>", with: "</reporterMoved>")
            .replacingOccurrences(
                of: "<incidentSummary>",
                with: "<reporter><reportingPerson><email>a@example.com</email></reportingPerson></reporter>\n<incidentSummary>")
        let orderFields = errors(try readXML(outOfOrder)[0])
        #expect(orderFields.contains { $0.field == "ncaReferral/report/incidentSummary" && $0.message.contains("out of order") })

        let cases: [(String, String)] = [
            (xmlReferral(incidentType: "child sexual molestation"), "ncaReferral/report/incidentSummary/incidentType"),
            (xmlReferral(incidentAt: "2027-01-01T00:00:00Z"), "ncaReferral/report/incidentSummary/incidentDateTime"),
            (
                xmlReferral(
                    body: "<personOrUserReported><estimatedLocation><countryCode>UK</countryCode></estimatedLocation></personOrUserReported>"),
                "ncaReferral/report/personOrUserReported[1]/estimatedLocation/countryCode"
            ),
            (
                xmlReferral(body: #"<victim><victimPerson><phone countryCallingCode="44">7700900123</phone></victimPerson></victim>"#),
                "ncaReferral/report/victim[1]/victimPerson/phone[1]/@countryCallingCode"
            ),
            (
                xmlReferral(body: #"<victim><victimPerson><phone countryCallingCode="+44">+447700900123</phone></victimPerson></victim>"#),
                "ncaReferral/report/victim/victimPerson/phone"
            ),
            (xmlReferral(summaryExtra: "<platform>\(String(repeating: "p", count: 257))</platform>"), "ncaReferral/report/incidentSummary/platform"),
            (xmlReferral(body: "<victim><schoolName>x</schoolName></victim>"), "ncaReferral/report/victim[1]/victimPerson"),
            (xmlReferral(envelope: #"reportId="77""#), "ncaReferral/@disseminatedAt"),
            (xmlReferral(envelope: #"disseminatedAt="2026-11-01T09:00:00Z""#), "ncaReferral/@reportId"),
            (
                xmlReferral(files: "<fileDetails><reportId>99</reportId><fileId>f</fileId></fileDetails>"),
                "ncaReferral/fileDetails[1]/reportId"
            ),
        ]
        for (text, field) in cases {
            let found = errors(try readXML(text)[0])
            #expect(found.map(\.field).contains(field), "\(field): \(found)")
        }
    }

    @Test("a record that is not well-formed is that record's error with its line; the records after it land")
    func malformedRecord() throws {
        let text =
            "<ncaReferrals>\n<ncaReferral reportId=\"1\">\n<report><oops></report>\n</ncaReferral>\n"
            + xmlReferral() + "\n<!-- a comment with </ncaReferral> inside -->\n"
            + xmlReferral(envelope: #"reportId="79" disseminatedAt="2026-11-01T09:00:00Z""#)
            + "\n</ncaReferrals>\n"
        let records = try readXML(text)
        #expect(records.count == 3)
        #expect(records[0].line == 2 && errors(records[0])[0].message.contains("line 3"))
        #expect(try records[1].result.get().referral.ref == "77")
        #expect(try records[2].result.get().referral.ref == "79")
    }

    @Test("a processing instruction inside a record is refused before the parser sees it (one without data crashed Foundation's)")
    func processingInstruction() throws {
        let records = try readXML(
            xmlReferral(summaryExtra: "<platform>P<?x?></platform>") + "\n" + xmlReferral(summaryExtra: "<platform><?x y?></platform>"))
        #expect(records.count == 2)
        for record in records {
            #expect(errors(record).map(\.message) == ["line \(record.line + 4): a processing instruction is not accepted in CyberTipline XML"])
        }
        let declared = MarkupTreeBuilder.parse(Array("\u{FEFF}<?xml version=\"1.0\"?>\n<!-- <?x?> --><a><![CDATA[<?x?>]]></a>".utf8)[...])
        #expect((try? declared.get())?.text == "<?x?>", "an opening declaration, and <? in comments and CDATA, pass")
    }

    @Test("100,000 nested elements are refused at 64 deep, without exhausting the stack; the next record lands")
    func deepNesting() throws {
        let deep = xmlReferral(
            body: "<additionalInfo>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</additionalInfo>")
        let records = try readXML(deep + "\n" + xmlReferral(envelope: #"reportId="80" disseminatedAt="2026-11-01T09:00:00Z""#))
        #expect(records.count == 2)
        #expect(errors(records[0])[0].message.contains("nested more than 64 deep"))
        #expect(try records[1].result.get().referral.ref == "80")
    }

    @Test("the same report laid out, quoted or indented otherwise has the same content digest")
    func canonicalDigest() throws {
        let plain = try readXML(xmlReferral())[0].result.get()
        let spaced = try readXML(
            xmlReferral().replacingOccurrences(of: "\n", with: "\n    ").replacingOccurrences(of: #"reportId="77""#, with: "reportId='77'")
        )[0].result.get()
        #expect(plain.contentDigest == spaced.contentDigest && plain.raw != spaced.raw)
        let other = try readXML(xmlReferral(incidentType: "Child Sex Tourism"))[0].result.get()
        #expect(other.contentDigest != plain.contentDigest)
    }

    @Test("a DOCTYPE is refused, and an entity it declares cannot expand inside a record")
    func doctypeRefused() throws {
        let text =
            "<!DOCTYPE x [<!ENTITY big \"aaaaaaaa\">]>\n<ncaReferrals>\n" + xmlReferral(summaryExtra: "<platform>&big;</platform>")
            + "\n</ncaReferrals>"
        let records = try readXML(text)
        #expect(records.count == 2)
        #expect(errors(records[0])[0].message.contains("DOCTYPE"))
        #expect(errors(records[1])[0].message.contains("libxml2 error 26"))
    }
}
