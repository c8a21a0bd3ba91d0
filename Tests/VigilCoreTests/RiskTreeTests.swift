import Foundation
import Testing
import VigilCore

@Suite("vigil-1 decision tree")
struct RiskTreeTests {
    @Test("phase 1: imminent danger is Very High whatever else is known")
    func imminentDanger() {
        let assessment = RiskTree.assess(facts([.imminentDanger: true, .sexualOffenceHistory: false]), pendingChecks: [], at: t0)
        #expect(assessment.grade == .veryHigh)
        #expect(assessment.path == "1:yes(referral) → Very High")
        #expect(assessment.policy == "vigil-1")
    }

    @Test(
        "phase 2: history with access or behaviour is Very High, alone High",
        arguments: [
            ([FactKind.sexualOffenceHistory: true, .childAccessOther: true], Grade.veryHigh),
            ([.sexualOffenceHistory: true, .sexualCommunicationWithChild: true], .veryHigh),
            ([.sexualOffenceHistory: true, .identifiedChildVictim: true], .veryHigh),
            ([.sexualOffenceHistory: true, .distribution: true], .high),
            ([.sexualOffenceHistory: true], .high),
        ])
    func history(values: [FactKind: Bool], expected: Grade) {
        #expect(RiskTree.assess(facts(values), pendingChecks: [], at: t0).grade == expected)
    }

    @Test(
        "phase 3: access and behaviour Very High; either alone High",
        arguments: [
            ([FactKind.childAccessHousehold: true, .contactAbuseIndicators: true], Grade.veryHigh),
            ([.childAccessOccupation: true], .high),
            ([.childAccessOther: true], .high),
            ([.childAccessHousehold: true], .high),
            ([.identifiedChildVictim: true], .high),
            ([.contactAbuseIndicators: true], .high),
            ([.sexualCommunicationWithChild: true, .distribution: true], .high),
        ])
    func accessAndBehaviour(values: [FactKind: Bool], expected: Grade) {
        #expect(RiskTree.assess(facts(values), pendingChecks: [], at: t0).grade == expected)
    }

    @Test(
        "phase 4 and 5: distribution or other risk factors Medium, nothing Low",
        arguments: [
            ([FactKind.distribution: true], Grade.medium),
            ([.otherRiskFactors: true], .medium),
            ([.distribution: false, .otherRiskFactors: false], .low),
            ([:], .low),
        ])
    func otherRisk(values: [FactKind: Bool], expected: Grade) {
        #expect(RiskTree.assess(facts(values), pendingChecks: [], at: t0).grade == expected)
    }

    @Test("the path records each phase with values and provenance")
    func pathExplainsTheGrade() {
        var set = facts([
            .imminentDanger: false, .sexualOffenceHistory: false, .contactAbuseIndicators: false,
            .sexualCommunicationWithChild: false,
        ])
        set.insert(FactObservation(fact: .childAccessHousehold, value: true, provenance: .check("social-care"), at: t0))
        let assessment = RiskTree.assess(set, pendingChecks: [], at: t0)
        #expect(assessment.path == "1:no(referral) 2:no(referral) 3:access=yes(check:social-care) behaviour=no(referral) → High")
        #expect(assessment.factsUsed["childAccessHousehold"]?.value == .yes)
        #expect(assessment.factsUsed["distribution"] == nil, "phase 4 was never asked")
    }

    @Test("unknown is never read as no: an all-unknown case is Low but says unknown at every step")
    func unknownIsNotNo() {
        let assessment = RiskTree.assess(FactSet(), pendingChecks: [], at: t0)
        #expect(assessment.path == "1:unknown 2:unknown 3:access=unknown behaviour=unknown 4:distribution=unknown otherRiskFactors=unknown → Low")
    }

    @Test("pending checks make the assessment provisional and are listed sorted")
    func provisional() {
        let assessment = RiskTree.assess(FactSet(), pendingChecks: ["visor", "pnc"], at: t0)
        #expect(assessment.provisional)
        #expect(assessment.pendingChecks == ["pnc", "visor"])
        #expect(!RiskTree.assess(FactSet(), pendingChecks: [], at: t0).provisional)
    }

    @Test("a grade goes down when a source later says no and nobody says yes")
    func gradeCanGoDown() {
        var set = FactSet()
        set.insert(FactObservation(fact: .otherRiskFactors, value: false, provenance: .check("pnc"), at: t0))
        #expect(RiskTree.assess(set, pendingChecks: [], at: t0).grade == .low)
        set.insert(FactObservation(fact: .otherRiskFactors, value: true, provenance: .check("local-records"), at: t0))
        #expect(RiskTree.assess(set, pendingChecks: [], at: t0).grade == .medium)
    }
}
