import Foundation
import Testing
import VigilCore

@Suite("subjects, households and addresses")
struct SubjectTests {
    let north = PostalAddress(line1: "3 Example Terrace", town: "Northtown", postcode: "ZZ9 9ZZ", addressType: .installation)
    let south = PostalAddress(line1: "41 Sample Street", town: "Southville", postcode: "ZZ2 2BB", addressType: .installation)
    let sam = PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")

    @Test("one address spelt two ways is one place; a person's label keeps the date of birth")
    func groupKeys() {
        let spelt = PostalAddress(line1: "3  example terrace", town: nil, postcode: "zz99zz", addressType: nil)
        #expect(Subject.address(north).groupKey == Subject.address(spelt).groupKey)
        #expect(Subject.address(north).groupKey != Subject.address(south).groupKey)
        #expect(Subject.address(north).label == "3 Example Terrace, Northtown, ZZ9 9ZZ" && Subject.address(north).isAddress)
        #expect(Subject.person(sam).rawValue == "person:Sam Sample (DOB 1979-05-05)" && !Subject.person(sam).isAddress)
        #expect(CheckQuery.subject(ofQueryText: CheckQuery.address(north).jsonText) == .address(north))
        #expect(CheckQuery.subject(ofQueryText: CheckQuery.person(sam).jsonText) == .person(sam))
        #expect(CheckQuery.subject(ofQueryText: CheckQuery.ip(IPObservation(ipAddress: "192.0.2.1", at: t0, port: nil)).jsonText) == nil)
        #expect(CheckQuery.subject(ofQueryText: "not json") == nil)
    }

    @Test("children told of by several sources are counted once per household, as many as the source that told of most")
    func mergeChildren() {
        let children = [
            Child(age: 8, relation: .household, provenance: .referral, about: .address(north)),
            Child(age: 8, relation: .household, provenance: .check("social-care"), about: .address(north)),
            Child(age: 8, relation: .household, provenance: .check("social-care"), about: .address(north)),
            Child(age: 8, relation: .household, provenance: .check("social-care"), about: .address(south)),
            Child(age: nil, relation: .other, provenance: .referral, about: nil),
        ]
        let known = KnownChild.merge(children)
        #expect(known.count == 4, "twins at north (social care told of two), one at south, one not placed")
        #expect(known.filter { $0.about == .address(north) }.map(\.provenance) == Array(repeating: [.check("social-care"), .referral], count: 2))
        #expect(known.filter { $0.about == .address(south) }.map(\.provenance) == [[.check("social-care")]])
        #expect(known.last?.about == nil, "children not placed come last")
    }

    @Test("a case joined across two towns: the explanation names each household and whose history it is")
    func twoHouseholds() {
        let history = FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("visor"), at: t0, about: .person(sam))
        let homes = [north, south].map {
            FactObservation(fact: .childAccessHousehold, value: true, provenance: .check("social-care"), at: t0, about: .address($0))
        }
        let facts = FactSet([history] + homes)
        let children = [
            Child(age: 7, relation: .household, provenance: .check("social-care"), about: .address(north)),
            Child(age: 3, relation: .household, provenance: .check("social-care"), about: .address(south)),
        ]
        let combined = Dictionary(uniqueKeysWithValues: FactKind.allCases.map { ($0, facts[$0]) })
        #expect(combined[.childAccessHousehold]?.about == [.address(south), .address(north)].sorted())
        let text = GradeExplanation.text(grade: .veryHigh, facts: combined, children: children, pendingChecks: [], sources: [])
        #expect(text.contains("the ViSOR check found a sexual offence history of Sam Sample (DOB 1979-05-05)"), "\(text)")
        #expect(text.contains("a child of 3 living at 41 Sample Street, Southville, ZZ2 2BB"), "\(text)")
        #expect(text.contains("a child of 7 living at 3 Example Terrace, Northtown, ZZ9 9ZZ"), "\(text)")
    }

    @Test("an address is corroborated only when a second source agrees; a billing address says it is not where the device is")
    func addressStanding() {
        var billing = south
        billing.addressType = .billing
        let addresses = [
            CaseAddress(address: .address(north), type: .installation, provenance: .referral),
            CaseAddress(address: .address(billing), type: .billing, provenance: .check("subscriber")),
            CaseAddress(address: .address(north), type: .installation, provenance: .referral),
        ]
        var standing = AddressStanding.summarise(addresses)
        #expect(standing.map(\.corroborated) == [false, false], "the same source twice is not corroboration")
        #expect(standing.map(\.billingOnly) == [false, true])
        #expect(standing[1].text.contains("billing, not where the device is; not corroborated"))
        standing = AddressStanding.summarise(
            addresses + [CaseAddress(address: .address(north), type: .installation, provenance: .check("subscriber"))])
        #expect(standing[0].corroborated && standing[0].provenance == [.check("subscriber"), .referral])
    }
}
