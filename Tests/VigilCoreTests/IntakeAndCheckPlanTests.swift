import Foundation
import Testing
import VigilCore

/// The intake and check-transition planners: decisions as values, tested without a store.
@Suite("intake plans, case updates and check transitions")
struct IntakeAndCheckPlanTests {
    func planned(
        _ ref: String, received: Date = t0, facts: [FactKind] = [], children: [Child] = [], checks: Int = 0,
        digest: String = "d"
    ) -> PlannedReferral {
        let referral = Referral(
            source: .nca, ref: ref, receivedAt: received,
            observations: facts.map { FactObservation(fact: $0, value: true, provenance: .referral, at: received) },
            children: children, linkKeys: [LinkKey.email("\(ref)@example.com")!], research: ResearchInputs())
        var plan = PlannedReferral(
            ReferralSubmission(referral: referral, raw: "{}", contentDigest: digest), sources: [], targets: .standard, now: t0)
        plan.checks = (0..<checks).map { PlannedCheck(source: "pnd", queryText: "{\"n\":\($0)}") }
        return plan
    }

    func loaded(_ id: Int64, facts: [FactKind] = [], received: Date = t0, checks: [CheckKey] = [], pending: [String] = []) -> LoadedCase {
        let set = FactSet(facts.map { FactObservation(fact: $0, value: true, provenance: .referral, at: received) })
        return LoadedCase(
            id: CaseID(id),
            state: CaseState(facts: set, children: [], pendingChecks: pending, receivedAt: received, raisedFlags: []),
            checkKeys: Set(checks))
    }

    func open(_ ids: [CaseID]) -> [ConnectedCase] { ids.map { ConnectedCase(caseId: $0, closed: nil) } }

    @Test("the same identity is a duplicate with the same digest and a conflict with another, before any linking")
    func identity() {
        let stored = StoredReferral(caseId: CaseID(7), contentDigest: "d")
        guard
            case .duplicate(let same) = IntakePlanner.decide(
                planned("A"), stored: stored, supplemented: nil, linkedCases: open([CaseID(3)]), now: t0, targets: .standard, maxChecksPerCase: 10)
        else { Issue.record("not a duplicate"); return }
        #expect(same == CaseID(7))
        guard
            case .conflict(let other) = IntakePlanner.decide(
                planned("A", digest: "e"), stored: stored, supplemented: nil, linkedCases: open([]), now: t0, targets: .standard, maxChecksPerCase: 10
            )
        else { Issue.record("not a conflict"); return }
        #expect(other == CaseID(7))
    }

    @Test("a referral linked to several open cases joins the oldest; with none it opens a case capped at the limit")
    func linkingAndOpening() {
        guard
            case .join(let joined) = IntakePlanner.decide(
                planned("A"), stored: nil, supplemented: nil, linkedCases: open([CaseID(9), CaseID(4), CaseID(6)]), now: t0, targets: .standard,
                maxChecksPerCase: 10)
        else { Issue.record("did not join"); return }
        #expect(joined == CaseID(4))
        let now = t0 + 60
        guard
            case .open(let opening) = IntakePlanner.decide(
                planned("B", checks: 5), stored: nil, supplemented: nil, linkedCases: open([]), now: now, targets: .standard, maxChecksPerCase: 3)
        else { Issue.record("did not open"); return }
        #expect(opening.checks.map(\.queryText) == ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"])
        #expect(opening.researchDueAt == now)
        guard
            case .open(let quiet) = IntakePlanner.decide(
                planned("C"), stored: nil, supplemented: nil, linkedCases: open([]), now: now, targets: .standard, maxChecksPerCase: 3)
        else { Issue.record("did not open"); return }
        #expect(quiet.researchDueAt == nil, "a case without checks has no research due")
    }

    @Test("joining grades the whole case, takes the earlier receipt and plans only checks the case lacks, within its limit")
    func join() {
        let existing = CheckKey(source: "pnd", queryText: "{\"n\":0}")
        let plan = IntakePlanner.join(
            planned("B", received: t0 - 3600, facts: [.sexualCommunicationWithChild], checks: 4),
            into: loaded(4, facts: [.childAccessHousehold], checks: [existing, CheckKey(source: "pnc", queryText: "{}")]),
            now: t0 + 60, targets: .standard, maxChecksPerCase: 4)
        #expect(plan.caseId == CaseID(4))
        #expect(plan.earlierReceipt == t0 - 3600)
        #expect(plan.evaluation.assessment.grade == .veryHigh, "access from the case and behaviour from the referral")
        #expect(plan.checks.map(\.queryText) == ["{\"n\":1}", "{\"n\":2}"], "n:0 exists; two fit under the limit of 4")
        #expect(plan.droppedChecks == 1)
        #expect(plan.researchDueAt == t0 + 60)
        #expect(plan.evaluation.assessment.provisional, "the new checks are outstanding")
        #expect(plan.evaluation.flagsToRaise.map(\.kind) == [.socialCare])
        let later = IntakePlanner.join(planned("C", received: t0 + 10), into: loaded(4), now: t0 + 60, targets: .standard, maxChecksPerCase: 4)
        #expect(later.earlierReceipt == nil)
        #expect(later.researchDueAt == nil)
    }

    @Test("an answer is recorded only against the running attempt; failures retry or fail; unsent attempts are handed back")
    func fencing() {
        let running = CheckRow(state: .running, attempts: 2, maxAttempts: 3)
        let now = t0 + 5
        #expect(
            CheckTransitions.record(.answered(CheckFindings(summary: "ok")), attempt: 2, on: running, now: now)
                == .done(summary: "ok", finishedAt: now))
        #expect(CheckTransitions.record(.answered(CheckFindings()), attempt: 1, on: running, now: now) == nil, "a stale attempt")
        #expect(CheckTransitions.record(.unsent, attempt: 2, on: CheckRow(state: .done, attempts: 2, maxAttempts: 3), now: now) == nil)
        #expect(
            CheckTransitions.record(.failed(error: "500", retryAt: now + 30), attempt: 2, on: running, now: now) == .retry(at: now + 30, error: "500")
        )
        #expect(
            CheckTransitions.record(.failed(error: "500", retryAt: nil), attempt: 2, on: running, now: now) == .fail(error: "500", finishedAt: now))
        let handBack = CheckTransitions.record(.unsent, attempt: 2, on: running, now: now)
        #expect(handBack == .handBack(at: now))
        #expect(handBack?.state == .pending && handBack?.regradesCase == false)
    }

    @Test("an expired lease is taken over unless it was the last attempt; only a failed check is re-run")
    func expiryAndReopen() throws {
        #expect(CheckTransitions.expire(CheckRow(state: .running, attempts: 2, maxAttempts: 3), now: t0) == .lease)
        let last = CheckTransitions.expire(CheckRow(state: .running, attempts: 3, maxAttempts: 3), now: t0)
        #expect(last == .fail(error: CheckTransitions.expiredOnLastAttempt, finishedAt: t0))
        #expect(try CheckTransitions.reopen(CheckRow(state: .failed, attempts: 3, maxAttempts: 3), checkId: 1, now: t0) == .reopen(at: t0))
        #expect(throws: CheckTransitionError.self) {
            try CheckTransitions.reopen(CheckRow(state: .pending, attempts: 0, maxAttempts: 3), checkId: 1, now: t0)
        }
    }

    @Test("an answer adds its facts, children, installation key and unlocked checks; the summary names dropped checks")
    func answerAdditions() {
        let address = PostalAddress(line1: "1 Sample Road", town: nil, postcode: "ZZ1 1AA", addressType: .installation)
        let source = IntelSourceSpec(name: "social-care", url: "http://127.0.0.1/social-care", needs: .address, yields: ["childAccessHousehold"])
        let additions = CheckTransitions.additions(
            of: CheckFindings(address: address, summary: "found"), source: "subscriber",
            queryText: #"{"ip":{"at":"2026-01-01T00:00:00Z","ipAddress":"192.0.2.1"}}"#,
            sources: [source])
        #expect(additions.linkKeys == [address.installationLinkKey!])
        #expect(additions.checks.map(\.source) == [source.name])
        #expect(additions.addresses == [CaseAddress(address: .address(address), type: .installation, provenance: .check("subscriber"))])

        let person = PersonIdentity(name: "Sample Person", dateOfBirth: "1980-01-01")
        let visor = CheckTransitions.additions(
            of: CheckFindings(
                observations: [FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("visor"), at: t0)],
                children: [Child(age: 7, relation: .household, provenance: .check("visor"))]),
            source: "visor", queryText: CheckQuery.person(person).jsonText, sources: [])
        #expect(visor.observations.map(\.about) == [.person(person)], "a person check's facts are about the person asked about")
        #expect(visor.children.map(\.about) == [.person(person)])
        let home = CheckTransitions.additions(
            of: CheckFindings(children: [Child(age: 7, relation: .household, provenance: .check("social-care"))]),
            source: "social-care", queryText: CheckQuery.address(address).jsonText, sources: [])
        #expect(home.children.map(\.about) == [.address(address)], "an address check's children live at the address asked about")
        #expect(CheckTransitions.summary("found", droppedChecks: 0, maxChecksPerCase: 5) == "found")
        #expect(
            CheckTransitions.summary("found", droppedChecks: 2, maxChecksPerCase: 5)
                == "found; 2 further check(s) not planned: the case has its limit of 5")
    }
}
