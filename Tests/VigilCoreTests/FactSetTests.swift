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
