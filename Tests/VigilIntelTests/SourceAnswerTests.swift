import Foundation
import Testing
import VigilCore
import VigilIntel

@Suite("source answers and configuration")
struct SourceAnswerTests {
    let now = Date(timeIntervalSince1970: 1_772_323_200)
    let socialCare = IntelSourceSpec(
        name: "social-care", url: "http://127.0.0.1/social-care", needs: .address,
        yields: ["childAccessHousehold", "children"])
    let employment = IntelSourceSpec(
        name: "employment", url: "http://127.0.0.1/employment", needs: .person,
        yields: ["childAccessOccupation", "occupation"])

    func answer(_ status: Int, _ body: String, _ source: IntelSourceSpec, type: String? = "application/json") -> Result<CheckFindings, TransferError>
    {
        SourceAnswer.findings(CurlResponse(status: status, contentType: type, body: Array(body.utf8)), from: source, at: now)
    }

    func failure(_ status: Int, _ body: String, _ source: IntelSourceSpec, type: String? = "application/json") -> String? {
        guard case .failure(let error) = answer(status, body, source, type: type) else { return nil }
        #expect(error.code == SourceAnswer.badAnswer)
        return error.message
    }

    @Test("200: facts, children, address and persons with the source's provenance, for a source that yields them")
    func fullAnswer() throws {
        let everything = IntelSourceSpec(
            name: "social-care", url: "http://127.0.0.1/social-care", needs: .address,
            yields: ["childAccessHousehold", "otherRiskFactors", "children", "address", "persons"])
        let findings = try answer(
            200,
            """
            {"facts": {"childAccessHousehold": "YES", "otherRiskFactors": "no"}, "children": [{"age": 7, "relation": "household"}],
             "address": {"line1": "1 Example Row", "postcode": "BS0 0XA", "addressType": "installation"},
             "persons": [{"name": "Sam Sample", "dateOfBirth": "1979-05-05"}], "summary": "seen"}
            """, everything
        ).get()
        #expect(Set(findings.observations.map { "\($0.fact.rawValue)=\($0.value)" }) == ["childAccessHousehold=true", "otherRiskFactors=false"])
        #expect(findings.observations.allSatisfy { $0.provenance == .check("social-care") })
        #expect(findings.children == [Child(age: 7, relation: .household, provenance: .check("social-care"))])
        #expect(findings.address?.installationLinkKey != nil)
        #expect(findings.researchInputs.persons.map(\.name) == ["Sam Sample"])
        #expect(findings.summary == "seen")
    }

    @Test("facts and members a source is not configured to yield are ignored, however the answer asserts them")
    func onlyWhatTheSourceYields() throws {
        let pnc = IntelSourceSpec(name: "pnc", url: "http://127.0.0.1/pnc", needs: .person, yields: ["sexualOffenceHistory", "otherRiskFactors"])
        let findings = try answer(
            200,
            """
            {"facts": {"childAccessHousehold": "yes", "sexualOffenceHistory": "no", "noSuchFact": "yes"},
             "children": [{"age": 4, "relation": "household"}], "address": {"line1": "9 Other Row", "postcode": "ZZ1 1ZZ"},
             "persons": [{"name": "Someone Else"}]}
            """, pnc
        ).get()
        #expect(findings.observations.map { "\($0.fact.rawValue)=\($0.value)" } == ["sexualOffenceHistory=false"])
        #expect(findings.children.isEmpty && findings.address == nil && findings.persons.isEmpty)
    }

    @Test("an occupation working with children is occupation access")
    func occupation() throws {
        let yes = try answer(200, #"{"occupation": {"title": "Coach", "worksWithChildren": true}}"#, employment).get()
        #expect(yes.observations.map(\.fact) == [.childAccessOccupation] && yes.observations[0].value)
        let no = try answer(200, #"{"occupation": {"title": "Clerk", "worksWithChildren": false}}"#, employment).get()
        #expect(no.observations.map(\.value) == [false])
    }

    @Test("404 with the protocol's JSON {noRecord: true}: every fact the source can yield is no, from that source")
    func noRecord() throws {
        let findings = try answer(404, #"{"noRecord": true}"#, socialCare, type: "application/json; charset=utf-8").get()
        #expect(findings.observations == [FactObservation(fact: .childAccessHousehold, value: false, provenance: .check("social-care"), at: now)])
    }

    @Test(
        "any other 404 is a failed attempt, never a no",
        arguments: [
            ("", "application/json"), ("Not Found", "text/plain"), (#"{"noRecord": true}"#, "text/html"), (#"{"noRecord": true}"#, nil),
            (#"{"noRecord": false}"#, "application/json"), (#"{"error": {"code": "notFound"}}"#, "application/json"),
        ] as [(String, String?)])
    func bare404(body: String, type: String?) {
        #expect(failure(404, body, socialCare, type: type)?.contains("noRecord") == true)
    }

    @Test("ages outside 0–17 and lists past the source's limits refuse the answer with a readable reason")
    func outOfBounds() {
        for age in [-5, 18, 500, 99_999_999_999] {
            #expect(
                failure(200, #"{"children": [{"age": \#(age), "relation": "household"}]}"#, socialCare) == "a child's age is \(age); ages are 0 to 17"
            )
        }
        let children = Array(repeating: #"{"age": 3}"#, count: 51).joined(separator: ",")
        #expect(failure(200, #"{"children": [\#(children)]}"#, socialCare) == "the answer lists 51 children; at most 50 are accepted")
        let subscriber = IntelSourceSpec(
            name: "subscriber", url: "http://127.0.0.1/subscriber", needs: .ip, yields: ["address", "persons"],
            limits: AnswerLimits(children: 50, persons: 3, textCharacters: 500))
        let persons = (0..<4).map { #"{"name": "Person \#($0)"}"# }.joined(separator: ",")
        #expect(failure(200, #"{"persons": [\#(persons)]}"#, subscriber) == "the answer lists 4 persons; at most 3 are accepted")
        #expect(failure(200, #"{"persons": [{"name": "A", "dateOfBirth": "yesterday"}]}"#, subscriber)?.contains("is not a date") == true)
    }

    @Test("text past the limit is cut: a 500 KB summary is kept as 500 characters")
    func longText() throws {
        let findings = try answer(200, #"{"summary": "\#(String(repeating: "s", count: 500_000))"}"#, socialCare).get()
        #expect(findings.summary?.count == 500 && findings.summary?.hasSuffix("…") == true)
    }

    @Test(
        "other statuses and malformed bodies fail the attempt",
        arguments: [
            (500, "{}"), (503, ""), (200, "not json{"), (200, #"{"facts": {"childAccessHousehold": "maybe"}}"#),
            (200, #"{"children": [{"age": 3, "relation": "cousin"}]}"#),
        ])
    func failures(status: Int, body: String) {
        #expect(failure(status, body, socialCare) != nil, "expected a failure for \(status) \(body)")
    }

    @Test("an address the source yields needs line1 and postcode")
    func incompleteAddress() {
        let subscriber = IntelSourceSpec(name: "subscriber", url: "http://127.0.0.1/subscriber", needs: .ip, yields: ["address", "persons"])
        #expect(failure(200, #"{"address": {"town": "Nowhere"}}"#, subscriber) == "an address needs line1 and postcode")
    }

    @Test("Samples/intel-sources.json is the built-in default set for the local stub")
    func sampleConfiguration() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/intel-sources.json")
        let sources = try IntelConfiguration.load(try Data(contentsOf: url))
        #expect(sources == IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:8089"))
        #expect(IntelSourceSpec.rebased(sources, to: "http://127.0.0.1:9999/").map(\.url).first == "http://127.0.0.1:9999/subscriber")
    }

    @Test("a source's proxy and answer limits come from the configuration file; none of them by default")
    func proxyAndLimits() throws {
        let sources = try IntelConfiguration.load(
            Data(
                #"""
                {"sources": [{"name": "pnc", "url": "https://pnc.example/q", "needs": "person", "yields": ["sexualOffenceHistory"],
                              "proxy": "http://proxy.example:3128", "maxChildren": 5, "maxPersons": 2, "maxTextCharacters": 100},
                             {"name": "visor", "url": "https://visor.example/q", "needs": "person", "yields": ["sexualOffenceHistory"]}]}
                """#.utf8))
        #expect(sources[0].proxy == "http://proxy.example:3128" && sources[0].limits == AnswerLimits(children: 5, persons: 2, textCharacters: 100))
        #expect(sources[1].proxy == nil && sources[1].limits == .standard)
    }

    @Test(
        "configuration errors are refused with a reason",
        arguments: [
            #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "dna", "yields": []}]}"#,
            #"{"sources": [{"name": "x", "url": "ftp://h/x", "needs": "ip", "yields": []}]}"#,
            #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "ip", "yields": []}, {"name": "x", "url": "http://h/x", "needs": "ip", "yields": []}]}"#,
            #"{"sources": [{"name": "a b", "url": "http://h/x", "needs": "ip", "yields": []}]}"#,
            #"{"source": []}"#,
            #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "ip", "yields": [], "proxy": "socks5://127.0.0.1:1080"}]}"#,
            #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "ip", "yields": [], "maxChildren": -1}]}"#,
            #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "ip", "yields": [], "maxTextCharacters": 3}]}"#,
        ])
    func badConfiguration(text: String) {
        #expect(throws: IntelConfiguration.Problem.self) { try IntelConfiguration.load(Data(text.utf8)) }
    }
}
