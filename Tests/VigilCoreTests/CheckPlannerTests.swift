import Foundation
import Testing
import VigilCore

@Suite("check planning")
struct CheckPlannerTests {
    let sources = [
        IntelSourceSpec(name: "subscriber", url: "http://127.0.0.1/subscriber", needs: .ip, yields: ["address", "persons"]),
        IntelSourceSpec(name: "social-care", url: "http://127.0.0.1/social-care", needs: .address, yields: ["childAccessHousehold"]),
        IntelSourceSpec(name: "pnc", url: "http://127.0.0.1/pnc", needs: .person, yields: ["sexualOffenceHistory"]),
        IntelSourceSpec(name: "pnd", url: "http://127.0.0.1/pnd", needs: .identifiers, yields: ["sexualOffenceHistory"]),
    ]

    @Test("a check is planned only once its input is known")
    func dataflow() {
        let ipOnly = ResearchInputs(ips: [IPObservation(ipAddress: "198.51.100.77", at: t0, port: nil)])
        #expect(CheckPlanner.plan(sources: sources, inputs: ipOnly).map(\.source) == ["subscriber"])
        let resolved = ResearchInputs(addresses: [PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .installation)],
                                      persons: [PersonIdentity(name: "Sam Sample", dateOfBirth: nil)])
        #expect(CheckPlanner.plan(sources: sources, inputs: resolved).map(\.source) == ["social-care", "pnc"])
        #expect(CheckPlanner.plan(sources: sources, inputs: ResearchInputs(identifiers: Identifiers(emails: ["a@example.com"])))
            .map(\.source) == ["pnd"])
        #expect(CheckPlanner.plan(sources: sources, inputs: ResearchInputs()).isEmpty)
    }

    @Test("the same input twice plans one check")
    func deduplicates() {
        let person = PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")
        var same = person
        same.name = "SAM SAMPLE"
        #expect(CheckPlanner.plan(sources: sources, inputs: ResearchInputs(persons: [person, same])).count == 1)
    }

    @Test("queries encode as FORMATS.md §4 and decode back")
    func wireForm() throws {
        let query = CheckQuery.ip(IPObservation(ipAddress: "198.51.100.77", at: t0, port: 51413))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(query), as: UTF8.self)
        #expect(text == #"{"ip":{"at":"2026-03-01T00:00:00Z","ipAddress":"198.51.100.77","port":51413}}"#)
        #expect(try JSONDecoder().decode(CheckQuery.self, from: Data(text.utf8)) == query)
    }
}
