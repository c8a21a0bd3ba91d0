import Foundation
import Testing
import VigilCore
import VigilIntel

@Suite("source answers and configuration")
struct SourceAnswerTests {
    let now = Date(timeIntervalSince1970: 1_772_323_200)
    let socialCare = IntelSourceSpec(name: "social-care", url: "http://127.0.0.1/social-care", needs: .address,
                                     yields: ["childAccessHousehold", "children"])
    let employment = IntelSourceSpec(name: "employment", url: "http://127.0.0.1/employment", needs: .person,
                                     yields: ["childAccessOccupation", "occupation"])

    func answer(_ status: Int, _ body: String, _ source: IntelSourceSpec) -> Result<CheckFindings, TransferError> {
        SourceAnswer.findings(CurlResponse(status: status, body: Array(body.utf8)), from: source, at: now)
    }

    @Test("200: facts, children, address and persons with the source's provenance")
    func fullAnswer() throws {
        let findings = try answer(200, """
            {"facts": {"childAccessHousehold": "YES", "otherRiskFactors": "no"}, "children": [{"age": 7, "relation": "household"}],
             "address": {"line1": "1 Example Row", "postcode": "BS0 0XA", "addressType": "installation"},
             "persons": [{"name": "Sam Sample", "dateOfBirth": "1979-05-05"}], "summary": "seen"}
            """, socialCare).get()
        #expect(Set(findings.observations.map { "\($0.fact.rawValue)=\($0.value)" }) == ["childAccessHousehold=true", "otherRiskFactors=false"])
        #expect(findings.observations.allSatisfy { $0.provenance == .check("social-care") })
        #expect(findings.children == [Child(age: 7, relation: .household, provenance: .check("social-care"))])
        #expect(findings.address?.installationLinkKey != nil)
        #expect(findings.researchInputs.persons.map(\.name) == ["Sam Sample"])
        #expect(findings.summary == "seen")
    }

    @Test("an occupation working with children is occupation access")
    func occupation() throws {
        let yes = try answer(200, #"{"occupation": {"title": "Coach", "worksWithChildren": true}}"#, employment).get()
        #expect(yes.observations.map(\.fact) == [.childAccessOccupation] && yes.observations[0].value)
        let no = try answer(200, #"{"occupation": {"title": "Clerk", "worksWithChildren": false}}"#, employment).get()
        #expect(no.observations.map(\.value) == [false])
    }

    @Test("404: every fact the source can yield is no, from that source")
    func noRecord() throws {
        let findings = try answer(404, "", socialCare).get()
        #expect(findings.observations == [FactObservation(fact: .childAccessHousehold, value: false, provenance: .check("social-care"), at: now)])
    }

    @Test("other statuses and malformed bodies fail the attempt", arguments: [
        (500, "{}"), (503, ""), (200, "not json{"), (200, #"{"facts": {"childAccessHousehold": "maybe"}}"#),
        (200, #"{"facts": {"noSuchFact": "yes"}}"#), (200, #"{"address": {"town": "Nowhere"}}"#),
    ])
    func failures(status: Int, body: String) {
        guard case .failure(let error) = answer(status, body, socialCare) else {
            Issue.record("expected a failure for \(status) \(body)")
            return
        }
        #expect(error.code == SourceAnswer.badAnswer)
    }

    @Test("Samples/intel-sources.json is the built-in default set for the local stub")
    func sampleConfiguration() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/intel-sources.json")
        let sources = try IntelConfiguration.load(try Data(contentsOf: url))
        #expect(sources == IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:8089"))
        #expect(IntelSourceSpec.rebased(sources, to: "http://127.0.0.1:9999/").map(\.url).first == "http://127.0.0.1:9999/subscriber")
    }

    @Test("configuration errors are refused with a reason", arguments: [
        #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "dna", "yields": []}]}"#,
        #"{"sources": [{"name": "x", "url": "ftp://h/x", "needs": "ip", "yields": []}]}"#,
        #"{"sources": [{"name": "x", "url": "http://h/x", "needs": "ip", "yields": []}, {"name": "x", "url": "http://h/x", "needs": "ip", "yields": []}]}"#,
        #"{"sources": [{"name": "a b", "url": "http://h/x", "needs": "ip", "yields": []}]}"#,
        #"{"source": []}"#,
    ])
    func badConfiguration(text: String) {
        #expect(throws: IntelConfiguration.Problem.self) { try IntelConfiguration.load(Data(text.utf8)) }
    }
}
