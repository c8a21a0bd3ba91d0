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
        let resolved = ResearchInputs(
            addresses: [PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .installation)],
            persons: [PersonIdentity(name: "Sam Sample", dateOfBirth: nil)])
        #expect(CheckPlanner.plan(sources: sources, inputs: resolved).map(\.source) == ["social-care", "pnc"])
        #expect(
            CheckPlanner.plan(sources: sources, inputs: ResearchInputs(identifiers: Identifiers(emails: ["a@example.com"])))
                .map(\.source) == ["pnd"])
        #expect(CheckPlanner.plan(sources: sources, inputs: ResearchInputs()).isEmpty)
    }

    @Test("each planned check carries its query's JSON and its source's attempt limit, also when two sources share a query")
    func plannedCheckCarriesTextAndAttempts() {
        var twoAddressSources = sources
        twoAddressSources.append(
            IntelSourceSpec(
                name: "housing", url: "http://127.0.0.1/housing", needs: .address, yields: [],
                maxAttempts: 7))
        let inputs = ResearchInputs(addresses: [
            PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .installation),
            PostalAddress(line1: "2 Sample Street", town: "Testville", postcode: "ZZ2 2BB", addressType: .billing),
        ])
        let planned = CheckPlanner.plan(sources: twoAddressSources, inputs: inputs)
        #expect(planned.map(\.source) == ["social-care", "social-care", "housing", "housing"])
        #expect(Set(planned.map(\.queryText)) == Set(inputs.addresses.map { CheckQuery.address($0).jsonText }))
        #expect(planned.map(\.maxAttempts) == [4, 4, 7, 7])
        #expect(Set(planned.map(\.queryText)).count == 2)
    }

    @Test("the same input twice plans one check")
    func deduplicates() {
        let person = PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")
        var same = person
        same.name = "SAM SAMPLE"
        #expect(CheckPlanner.plan(sources: sources, inputs: ResearchInputs(persons: [person, same])).count == 1)
    }

    @Test("no source is planned the same query twice, whatever repeats in the inputs (the store relies on it for a new case)")
    func sourceAndQueryAreUnique() {
        let ip = IPObservation(ipAddress: "198.51.100.77", at: t0, port: 443)
        let address = PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .installation)
        let shouted = PostalAddress(line1: "1 EXAMPLE ROW", town: nil, postcode: "zz1 1aa", addressType: .installation)
        let person = PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")
        let sameInstant = IPObservation(ipAddress: "198.51.100.77", at: t0 + 0.0003, port: 8080)
        let inputs = ResearchInputs(
            ips: [ip, ip, sameInstant], addresses: [address, shouted, address], persons: [person, person],
            identifiers: Identifiers(emails: ["a@example.com", "a@example.com"]))
        let planned = CheckPlanner.plan(sources: sources, inputs: inputs)
        #expect(planned.map(\.source) == ["subscriber", "social-care", "pnc", "pnd"])
        #expect(Set(planned.map { [$0.source, $0.queryText] }).count == planned.count)
    }

    @Test("a name without a date of birth adds nothing when the same name comes with one; other people stay")
    func samePersonWithAndWithoutBirthDate() {
        let dated = PersonIdentity(name: "Tess Testcase", dateOfBirth: "1984-04-04")
        let undated = PersonIdentity(name: "tess testcase", dateOfBirth: nil)
        let other = PersonIdentity(name: "Ivor Invented", dateOfBirth: nil)
        let planned = CheckPlanner.plan(sources: sources, inputs: ResearchInputs(persons: [undated, dated, other]))
        #expect(planned.map(\.queryText) == [CheckQuery.person(dated).jsonText, CheckQuery.person(other).jsonText])
    }

    @Test("queries are FORMATS.md §4 JSON with sorted keys, escaped strings and no unknown members")
    func wireForm() throws {
        #expect(
            CheckQuery.ip(IPObservation(ipAddress: "198.51.100.77", at: t0, port: 51413)).jsonText
                == #"{"ip":{"at":"2026-03-01T00:00:00Z","ipAddress":"198.51.100.77","port":51413}}"#)
        #expect(
            CheckQuery.ip(IPObservation(ipAddress: "2001:db8::1", at: t0, port: nil)).jsonText
                == #"{"ip":{"at":"2026-03-01T00:00:00Z","ipAddress":"2001:db8::1"}}"#)
        #expect(
            CheckQuery.address(PostalAddress(line1: "1 \"Quoted\" Row", town: nil, postcode: "ZZ1 1AA", addressType: .billing)).jsonText
                == #"{"address":{"line1":"1 \"Quoted\" Row","postcode":"ZZ1 1AA"}}"#)
        #expect(
            CheckQuery.person(PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")).jsonText
                == #"{"person":{"dateOfBirth":"1979-05-05","name":"Sam Sample"}}"#)
        let identifiers = CheckQuery.identifiers(Identifiers(emails: ["a@example.com"], phones: [], usernames: ["line\nbreak"])).jsonText
        #expect(identifiers == #"{"identifiers":{"emails":["a@example.com"],"phones":[],"usernames":["line\nbreak"]}}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(identifiers.utf8)) as? [String: [String: [String]]]
        #expect(parsed?["identifiers"]?["usernames"] == ["line\nbreak"])
    }
}
