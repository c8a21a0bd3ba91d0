import Foundation
import Testing
import VigilCore

@Suite("social-care and LADO flags; case evaluation")
struct SafeguardingAndEvaluationTests {
    @Test(
        "social care: High or Very High with household, other access or an identified victim",
        arguments: [FactKind.childAccessHousehold, .childAccessOther, .identifiedChildVictim])
    func socialCare(fact: FactKind) {
        #expect(SafeguardingRules.required(grade: .high, facts: facts([fact: true])) == [.socialCare])
        #expect(SafeguardingRules.required(grade: .veryHigh, facts: facts([fact: true])) == [.socialCare])
        #expect(SafeguardingRules.required(grade: .medium, facts: facts([fact: true])).isEmpty)
    }

    @Test("LADO: works with children, whatever the grade; occupation access alone is no social-care flag")
    func lado() {
        #expect(SafeguardingRules.required(grade: .high, facts: facts([.childAccessOccupation: true])) == [.lado])
        #expect(SafeguardingRules.required(grade: .low, facts: facts([.childAccessOccupation: true])) == [.lado])
    }

    func state(_ set: FactSet, raised: Set<FlagKind> = [], pending: [String] = [], children: [Child] = []) -> CaseState {
        CaseState(facts: set, children: children, pendingChecks: pending, receivedAt: t0, raisedFlags: raised)
    }

    @Test("a flag is raised by what revealed the fact, due 24 h later, and never raised twice")
    func flagRaisedOnce() {
        let now = t0.addingTimeInterval(3600)
        var set = facts([.distribution: true])
        set.insert(FactObservation(fact: .childAccessHousehold, value: true, provenance: .check("social-care"), at: now))
        let first = CaseEvaluation.evaluate(state(set), trigger: .check("social-care"), now: now, targets: .standard)
        #expect(first.flagsToRaise.map(\.kind) == [.socialCare])
        #expect(first.flagsToRaise.first?.raisedBy == .check("social-care"))
        #expect(first.flagsToRaise.first?.dueAt == now.addingTimeInterval(86400))
        let again = CaseEvaluation.evaluate(state(set, raised: [.socialCare]), trigger: .check("pnc"), now: now, targets: .standard)
        #expect(again.flagsToRaise.isEmpty)
    }

    @Test("evaluation plans the due instant and the promotion (instant and rank) the store writes as they are")
    func promotionPlanned() {
        let low = CaseEvaluation.evaluate(state(FactSet([])), trigger: .referral, now: t0, targets: .standard)
        #expect(low.assessment.grade == .low && low.dueAt == t0 + 30 * 86_400)
        #expect(low.promotionAt == low.dueAt && low.promotedGrade == .medium)
        let aged = CaseEvaluation.evaluate(state(FactSet([])), trigger: .referral, now: t0 + 31 * 86_400, targets: .standard)
        #expect(
            aged.effectiveGrade == .medium && aged.promotionAt == nil && aged.promotedGrade == .medium,
            "already promoted: no promotion to come, and the rank it was promoted to stays known")
        let high = CaseEvaluation.evaluate(state(facts([.childAccessHousehold: true])), trigger: .referral, now: t0, targets: .standard)
        #expect(
            high.assessment.grade == .high && high.dueAt == t0 + 7 * 86_400 && high.promotionAt == nil && high.promotedGrade == nil,
            "High never ages into Very High")
    }

    @Test("evaluation summarises access and youngest child, and keeps the promotion time until it passes")
    func summary() {
        let children = [
            Child(age: 11, relation: .household, provenance: .referral), Child(age: 8, relation: .household, provenance: .referral),
            Child(age: nil, relation: .other, provenance: .referral),
        ]
        let low = CaseEvaluation.evaluate(state(FactSet(), children: children), trigger: .referral, now: t0, targets: .standard)
        #expect(low.youngestChildAge == 8)
        #expect(low.childAccess == .unknown)
        #expect(low.effectiveGrade == .low)
        #expect(low.promotionAt == t0.addingTimeInterval(30 * 86400))
        let later = CaseEvaluation.evaluate(state(FactSet()), trigger: .referral, now: t0.addingTimeInterval(31 * 86400), targets: .standard)
        #expect(later.effectiveGrade == .medium)
        #expect(later.promotionAt == nil)
    }
}
