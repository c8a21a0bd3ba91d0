import Foundation
import Testing
import VigilCore

@Suite("social-care and LADO flags; case evaluation")
struct SafeguardingAndEvaluationTests {
    @Test(
        "social care: High or Very High with household, other access or an identified victim",
        arguments: [FactKind.childAccessHousehold, .childAccessOther, .identifiedChildVictim])
    func socialCare(fact: FactKind) {
        #expect(SafeguardingRules.required(grade: .high, facts: facts([fact: true]), children: []) == [.socialCare])
        #expect(SafeguardingRules.required(grade: .veryHigh, facts: facts([fact: true]), children: []) == [.socialCare])
        #expect(SafeguardingRules.required(grade: .medium, facts: facts([fact: true]), children: []).isEmpty)
    }

    @Test("LADO: works with children, whatever the grade; occupation access alone is no social-care flag")
    func lado() {
        #expect(SafeguardingRules.required(grade: .high, facts: facts([.childAccessOccupation: true]), children: []) == [.lado])
        #expect(SafeguardingRules.required(grade: .low, facts: facts([.childAccessOccupation: true]), children: []) == [.lado])
    }

    static let north = Subject(rawValue: "address:41 Sample Street, Northtown, ZZ9 9ZZ")
    static let south = Subject(rawValue: "address:12 Placeholder Close, Sampleford, ZZ1 1AA")

    @Test("social care: one call per household address where children live, spellings of one address once")
    func socialCarePerHousehold() {
        let children = [
            Child(age: 7, relation: .household, provenance: .check("social-care"), about: Self.south),
            Child(age: 3, relation: .household, provenance: .referral, about: Self.north),
            Child(age: 3, relation: .household, provenance: .check("occupants"), about: Subject(rawValue: "address:41 sample street, ZZ99ZZ")),
            Child(age: 12, relation: .other, provenance: .referral, about: Subject(rawValue: "address:1 Elsewhere Row, ZZ5 5ZZ")),
        ]
        let required = SafeguardingRules.required(grade: .veryHigh, facts: facts([.childAccessHousehold: true]), children: children)
        #expect(required == [FlagKey(.socialCare, about: Self.south), FlagKey(.socialCare, about: Self.north)])
        #expect(SafeguardingRules.required(grade: .medium, facts: facts([.childAccessHousehold: true]), children: children).isEmpty)
    }

    @Test("LADO: one call per subject the occupation fact is about; one for the case when it names none")
    func ladoPerSubject() {
        let teacher = Subject(rawValue: "person:Tess Testcase (DOB 1984-04-04)")
        let coach = Subject(rawValue: "person:Cal Coachman (DOB 1979-05-05)")
        var set = FactSet()
        set.insert(FactObservation(fact: .childAccessOccupation, value: true, provenance: .check("employment"), at: t0, about: teacher))
        set.insert(FactObservation(fact: .childAccessOccupation, value: true, provenance: .referral, at: t0, about: coach))
        #expect(SafeguardingRules.required(grade: .low, facts: set, children: []) == [FlagKey(.lado, about: coach), FlagKey(.lado, about: teacher)])
    }

    @Test("a case-wide call raised before the household was known becomes that household's call; the next household gets its own")
    func caseWideCallPlaced() {
        let north = FlagKey(.socialCare, about: Self.north)
        let south = FlagKey(.socialCare, about: Self.south)
        let first = SafeguardingRules.changes(required: [south, north], raised: [.socialCare])
        #expect(first.place == [south] && first.raise == [north])
        let spelt = FlagKey(.socialCare, about: Subject(rawValue: "address:41 sample street, ZZ99ZZ"))
        let again = SafeguardingRules.changes(required: [north, south], raised: [spelt, south])
        #expect(again.place.isEmpty && again.raise.isEmpty, "the same address spelt another way is the same call")
        let caseWide = SafeguardingRules.changes(required: [.socialCare], raised: [north])
        #expect(caseWide.place.isEmpty && caseWide.raise.isEmpty, "a case-wide call is satisfied by any call of its kind")
        #expect(SafeguardingRules.changes(required: [.socialCare, .lado], raised: []).raise == [.socialCare, .lado])
    }

    @Test("an action names one call: the only one of its kind, or the one about the named household; otherwise refused")
    func choosingACall() throws {
        let stored = [FlagKey(.socialCare, about: Self.north), FlagKey(.socialCare, about: Self.south), FlagKey(.lado)]
        #expect(try FlagLifecycle.choose(.lado, of: CaseID(1), among: stored) == 2)
        #expect(try FlagLifecycle.choose(FlagKey(.socialCare, named: "12 placeholder close, sampleford, zz1 1aa"), of: CaseID(1), among: stored) == 1)
        #expect(try FlagLifecycle.choose(FlagKey(.socialCare, named: Self.north.rawValue), of: CaseID(1), among: stored) == 0)
        #expect(try FlagLifecycle.choose(FlagKey(.socialCare, named: "41 Sample Street, ZZ9 9ZZ"), of: CaseID(1), among: stored) == 0)
        #expect(throws: FlagRefusal.self) { try FlagLifecycle.choose(.socialCare, of: CaseID(1), among: stored) }
        do {
            _ = try FlagLifecycle.choose(.socialCare, of: CaseID(1), among: stored)
        } catch {
            #expect(error.reason == .ambiguous && error.message.contains("41 Sample Street") && error.message.contains("12 Placeholder Close"))
        }
        #expect(throws: FlagRefusal(.missing, "case C-000001 has no socialCare for 9 Nowhere Lane flag")) {
            try FlagLifecycle.choose(FlagKey(.socialCare, named: "9 Nowhere Lane"), of: CaseID(1), among: stored)
        }
    }

    @Test("evaluation raises a call per household and places a case-wide one, with an alert per call raised")
    func evaluationPerHousehold() {
        let now = t0.addingTimeInterval(3600)
        let children = [
            Child(age: 7, relation: .household, provenance: .check("social-care"), about: Self.south),
            Child(age: 3, relation: .household, provenance: .referral, about: Self.north),
        ]
        let set = facts([.childAccessHousehold: true, .distribution: true])
        let fresh = CaseEvaluation.evaluate(state(set, children: children), trigger: .check("social-care"), now: now, targets: .standard)
        #expect(fresh.flagsToRaise.map(\.key) == [FlagKey(.socialCare, about: Self.south), FlagKey(.socialCare, about: Self.north)])
        let alerts = AlertRules.alerts(for: fresh, caseId: CaseID(63), now: now).filter { $0.kind == .flagRaised }
        #expect(Set(alerts.map(\.alertId)).count == 2)
        #expect(alerts.map(\.message).contains { $0.contains("Social care call for household \(Self.south.reference) raised") })
        #expect(Self.south.reference.count == 16 && Self.south.reference == Subject(rawValue: "address:12 placeholder close, ZZ11AA").reference)
        #expect(Self.south.reference != Self.north.reference)
        let placed = CaseEvaluation.evaluate(state(set, raised: [.socialCare], children: children), trigger: .referral, now: now, targets: .standard)
        #expect(placed.flagsToPlace == [FlagKey(.socialCare, about: Self.south)], "the first household in sort order takes the call")
        #expect(placed.flagsToRaise.map(\.key) == [FlagKey(.socialCare, about: Self.north)])
    }

    func state(_ set: FactSet, raised: [FlagKey] = [], pending: [String] = [], children: [Child] = []) -> CaseState {
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
