import Foundation
import Testing
import VigilCore

@Suite("fact combination and child access")
struct FactSetTests {
    @Test("yes if any source says yes, else no if any says no, else unknown")
    func combination() {
        var set = FactSet()
        #expect(set[.sexualOffenceHistory] == .unknown)
        set.insert(FactObservation(fact: .sexualOffenceHistory, value: false, provenance: .check("pnc"), at: t0))
        #expect(set[.sexualOffenceHistory] == CombinedFact(value: .no, provenance: [.check("pnc")]))
        set.insert(FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("visor"), at: t0))
        set.insert(FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("pnd"), at: t0))
        #expect(set[.sexualOffenceHistory] == CombinedFact(value: .yes, provenance: [.check("pnd"), .check("visor")]))
    }

    @Test("child access: any access fact yes is yes")
    func accessYes() {
        for fact in FactKind.accessFacts {
            #expect(facts([fact: true]).childAccess == .yes, "\(fact)")
        }
    }

    @Test("child access: no only when household, occupation and other are all no")
    func accessNo() {
        #expect(facts([.childAccessHousehold: false, .childAccessOccupation: false, .childAccessOther: false]).childAccess == .no)
        #expect(facts([.childAccessHousehold: false, .childAccessOccupation: false]).childAccess == .unknown)
        #expect(FactSet().childAccess == .unknown)
    }

    @Test("phase membership of every fact")
    func phases() {
        #expect(FactKind.allCases.filter { $0.phase == .access } == FactKind.accessFacts)
        #expect(FactKind.allCases.filter { $0.phase == .behaviour } == FactKind.behaviourFacts)
        #expect(FactKind.imminentDanger.phase == .override)
        #expect(FactKind(name: "CHILDACCESSHOUSEHOLD") == .childAccessHousehold)
    }
}

@Suite("officers' findings")
struct OfficerFindingTests {
    @Test("the latest officer observation decides a fact over the referral and every check")
    func precedence() {
        var set = FactSet([
            FactObservation(fact: .childAccessHousehold, value: true, provenance: .check("social-care"), at: t0),
            FactObservation(fact: .childAccessHousehold, value: true, provenance: .referral, at: t0),
        ])
        set.insert(FactObservation(fact: .childAccessHousehold, value: false, provenance: .officer("ann"), at: t0 + 60))
        #expect(set[.childAccessHousehold] == CombinedFact(value: .no, provenance: [.officer("ann")]))
        set.insert(FactObservation(fact: .childAccessHousehold, value: true, provenance: .officer("bob"), at: t0 + 120))
        #expect(set[.childAccessHousehold] == CombinedFact(value: .yes, provenance: [.officer("bob")]))
        set.insert(FactObservation(fact: .childAccessHousehold, value: false, provenance: .check("pnc"), at: t0 + 180))
        #expect(set[.childAccessHousehold].value == .yes, "a later check does not outrank an officer")
    }

    @Test("findings are read from FACT=yes|no and AGE:RELATION; a child sets its access fact; bad input names the form")
    func parsing() throws {
        let finding = try OfficerFinding(facts: [" imminentDanger = yes "], children: ["0:victim", "?:other"], note: " call ", by: "ann", at: t0)
        #expect(
            finding.observations.map { "\($0.fact.rawValue)=\($0.value)" } == [
                "imminentDanger=true", "identifiedChildVictim=true", "childAccessOther=true",
            ])
        #expect(
            finding.children == [
                Child(age: 0, relation: .victim, provenance: .officer("ann")), Child(age: nil, relation: .other, provenance: .officer("ann")),
            ])
        #expect(finding.summary == "imminentDanger=yes, identifiedChildVictim=yes, childAccessOther=yes, child 0:victim, child ?:other; call")
        for (facts, children, note, message) in [
            (["colour=yes"], [String](), "n", "is not FACT=yes|no"),
            (["distribution=maybe"], [], "n", "the value is yes or no"),
            ([], ["18:household"], "n", "AGE 0–17"),
            ([], [], "n", "at least one fact"),
            (["distribution=yes"], [], "  ", "--note"),
        ] {
            #expect { try OfficerFinding(facts: facts, children: children, note: note, by: "ann", at: t0) } throws: {
                "\($0)".contains(message)
            }
        }
    }
}
