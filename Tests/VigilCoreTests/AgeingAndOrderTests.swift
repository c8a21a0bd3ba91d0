import Foundation
import Testing
import VigilCore

@Suite("targets, ageing and the backlog order")
struct AgeingAndOrderTests {
    let targets = ActionTargets.standard
    let day: TimeInterval = 86400

    @Test("due times per grade: 24 h, 7, 14 and 30 days")
    func dueTimes() {
        #expect(targets.dueAt(grade: .veryHigh, receivedAt: t0) == t0.addingTimeInterval(day))
        #expect(targets.dueAt(grade: .high, receivedAt: t0) == t0.addingTimeInterval(7 * day))
        #expect(targets.dueAt(grade: .medium, receivedAt: t0) == t0.addingTimeInterval(14 * day))
        #expect(targets.dueAt(grade: .low, receivedAt: t0) == t0.addingTimeInterval(30 * day))
    }

    @Test("ageing promotes one band only after the target has passed, never to Very High")
    func ageing() {
        let lowDue = t0.addingTimeInterval(30 * day)
        #expect(targets.effectiveGrade(grade: .low, receivedAt: t0, asOf: lowDue) == .low)
        #expect(targets.effectiveGrade(grade: .low, receivedAt: t0, asOf: lowDue.addingTimeInterval(1)) == .medium)
        #expect(targets.effectiveGrade(grade: .low, receivedAt: t0, asOf: t0.addingTimeInterval(400 * day)) == .medium)
        #expect(targets.effectiveGrade(grade: .medium, receivedAt: t0, asOf: t0.addingTimeInterval(15 * day)) == .high)
        #expect(targets.effectiveGrade(grade: .high, receivedAt: t0, asOf: t0.addingTimeInterval(400 * day)) == .high)
        #expect(targets.promotionAt(grade: .high, receivedAt: t0) == nil)
        #expect(targets.promotionAt(grade: .veryHigh, receivedAt: t0) == nil)
        #expect(targets.promotionAt(grade: .medium, receivedAt: t0) == t0.addingTimeInterval(14 * day))
    }

    func key(_ grade: Grade = .high, _ access: TriState = .yes, _ age: Int? = 5, _ received: Date = t0, _ id: Int64 = 10) -> BacklogKey {
        BacklogKey(imminentDanger: false, effectiveGrade: grade, childAccess: access, youngestChildAge: age, receivedAt: received, caseId: CaseID(id))
    }

    @Test("step 0: imminent danger before everything, whatever is known of grade, access, age or waiting")
    func imminentDangerFirst() {
        var imminent = key(.veryHigh, .unknown, nil, t0.addingTimeInterval(30 * day), 999)
        imminent.imminentDanger = true
        #expect(imminent < key(.veryHigh, .yes, 0, t0, 1))
        var older = imminent
        older.receivedAt = t0
        #expect(older < imminent, "among imminent cases the rest of the key decides")
    }

    @Test("step 1: higher effective grade first")
    func gradeFirst() {
        #expect(key(.veryHigh, .no, nil, t0.addingTimeInterval(day), 99) < key(.high, .yes, 1, t0, 1))
        #expect(key(.medium) < key(.low))
    }

    @Test("step 2: child access yes before unknown before no")
    func accessSecond() {
        #expect(key(.high, .yes, nil) < key(.high, .unknown, 1))
        #expect(key(.high, .unknown, nil) < key(.high, .no, 1))
    }

    @Test("step 3: youngest child first, unknown age after every known age")
    func youngestThird() {
        #expect(key(.high, .yes, 2) < key(.high, .yes, 9))
        #expect(key(.high, .yes, 17) < key(.high, .yes, nil))
    }

    @Test("step 4: oldest received first")
    func receivedFourth() {
        #expect(key(.high, .yes, 5, t0, 50) < key(.high, .yes, 5, t0.addingTimeInterval(1), 1))
    }

    @Test("step 5: case id ascending makes the order total")
    func idFifth() {
        #expect(key(.high, .yes, 5, t0, 1) < key(.high, .yes, 5, t0, 2))
        #expect(!(key() < key()))
    }

    @Test("an aged Low case overtakes newer Medium work only by moving to Medium, then by waiting time")
    func agedCaseOrder() {
        let old = t0
        let now = t0.addingTimeInterval(31 * day)
        let aged = key(targets.effectiveGrade(grade: .low, receivedAt: old, asOf: now), .unknown, nil, old, 2)
        let fresh = key(.medium, .unknown, nil, now, 1)
        #expect(aged < fresh)
    }

    @Test("order inversions: overlapping claims may finish in any order; a later claim taking a lower-ranked case counts once per case it passed")
    func orderInversions() {
        typealias Claim = OrderInversions.Claim
        let inOrder = (0..<5).map { Claim(began: Double($0), ended: Double($0) + 0.5, rank: $0) }
        #expect(OrderInversions.count(inOrder) == 0)
        let overlapping = [Claim(began: 0, ended: 2, rank: 0), Claim(began: 1, ended: 1.5, rank: 1)]
        #expect(OrderInversions.count(overlapping) == 0, "the second claim began before the first ended")
        let swapped = [Claim(began: 0, ended: 1, rank: 1), Claim(began: 2, ended: 3, rank: 0)]
        #expect(OrderInversions.count(swapped) == 1)
        let skipped = [Claim(began: 0, ended: 1, rank: 3), Claim(began: 2, ended: 3, rank: 0), Claim(began: 4, ended: 5, rank: 1)]
        #expect(OrderInversions.count(skipped) == 2, "rank 3 was taken while ranks 0 and 1 waited")
    }
}
