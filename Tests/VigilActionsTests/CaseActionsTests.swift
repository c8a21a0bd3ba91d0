import Foundation
import Testing
import VigilActions
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

let t0 = TestInstants.t0

/// The one place case actions are decided: validation, the holder rule, the injected clock, audit with
/// the change.
@Suite("case actions")
struct CaseActionsTests {
    /// A store holding one case with a social-care flag, and actions on it at `TestInstants.t0` plus `offset` seconds.
    func fixture() async throws -> (SQLiteStore, CaseID, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store = try SQLiteStore(path: folder.path("a.sqlite"), auditKey: AuditKey.generate())
        let referral = Referral(
            source: .nca, ref: "A", receivedAt: TestInstants.t0,
            observations: [FactObservation(fact: .childAccessHousehold, value: true, provenance: .referral, at: TestInstants.t0)],
            children: [], linkKeys: [], research: ResearchInputs())
        let outcome = try await store.importReferrals(
            [ReferralSubmission(referral: referral, raw: "{}", contentDigest: "a")], sources: [],
            now: TestInstants.t0)
        guard case .accepted(let id) = outcome[0] else { throw CaseActionError(.invalid, "not accepted") }
        return (store, id, folder)
    }

    func actor(_ name: String, _ role: Role = .investigator) -> CaseActor {
        CaseActor(audit: AuditActor(name: name, remote: "test"), role: role)
    }

    @Test("the holder rule: only the holder acts, unless the actor may act on any case; refused actions change nothing")
    func holderRule() async throws {
        let (store, id, folder) = try await fixture()
        defer { folder.remove() }
        let actions = CaseActions(store: store, now: { TestInstants.t0 + 60 })
        await #expect { try await actions.close(id, outcome: outcome(), by: actor("ann")) } throws: {
            ($0 as? CaseActionError)?.code == .notYourCase && "\($0)".contains("claim case \(id)")
        }
        #expect(try await actions.claimNext(by: actor("ann"))?.caseId == id)
        await #expect { try await actions.notify(id, flag: .socialCare, method: "phone", reference: "MASH-1", by: actor("bob")) } throws: {
            ($0 as? CaseActionError)?.code == .notYourCase && "\($0)".contains("held by ann")
        }
        try await actions.notify(id, flag: .socialCare, method: " phone ", reference: "MASH-1", by: actor("ann"))
        try await actions.decide(id, decision: "visit", rationale: "child at home", by: actor("sup", .supervisor))
        let entries = try await store.audit(caseId: id)
        #expect(entries.map { "\($0.actor) \($0.action)" } == ["ann case.claim", "ann flag.notify", "sup case.decide"])
        #expect(entries.allSatisfy { $0.at == TestInstants.t0 + 60 }, "the injected clock, not the wall clock")
        #expect(entries[1].detail == "socialCare via phone, ref MASH-1", "inputs are trimmed")
    }

    @Test("empty inputs are refused before the store is touched", arguments: ["", "  ", "\n"])
    func emptyInputs(text: String) async throws {
        let (store, id, folder) = try await fixture()
        defer { folder.remove() }
        let actions = CaseActions(store: store, now: { TestInstants.t0 })
        let supervisor = actor("sup", .supervisor)
        for attempt in [
            { try await actions.reopen(id, reason: text, by: supervisor) },
            { try await actions.withdraw(id, flag: .socialCare, reason: text, by: supervisor) },
            { try await actions.decide(id, decision: "visit", rationale: text, by: supervisor) },
            { try await actions.notify(id, flag: .socialCare, method: text, reference: "r", by: supervisor) },
            { try await actions.deferNotification(id, flag: .socialCare, reason: text, reviewBy: TestInstants.t0 + 86_400, by: supervisor) },
        ] as [@Sendable () async throws -> Void] {
            await #expect { try await attempt() } throws: { ($0 as? CaseActionError)?.code == .invalid }
        }
        #expect(try await store.audit(caseId: id).isEmpty)
        #expect(try await store.caseDetail(id, asOf: TestInstants.t0).status == "open")
    }

    @Test("a case with its call still to make closes only by a supervisor's override; the call stays listed; reopen restores it")
    func closingRules() async throws {
        let store = MemoryStore()
        let id = try #require(accepted(try await store.importReferrals([submission("A", facts: [.childAccessHousehold])], sources: [], now: t0)[0]))
        let actions = CaseActions(store: store, now: { TestInstants.t0 + 60 })
        #expect(try await actions.claimNext(by: actor("ann"))?.caseId == id)
        await #expect { try await actions.close(id, outcome: outcome(), by: actor("ann")) } throws: {
            ($0 as? StoreError)?.code == .invalidState && "\($0)".contains("socialCare call still to make")
        }
        await #expect { try await actions.close(id, outcome: outcome(), by: actor("sup", .supervisor)) } throws: {
            ($0 as? StoreError)?.code == .invalidState
        }
        await #expect { try await actions.close(id, outcome: outcome(), overrideReason: "moved away", by: actor("ann")) } throws: {
            ($0 as? CaseActionError)?.code == .forbidden
        }
        try await actions.close(
            id, outcome: outcome(.arrested), overrideReason: "suspect remanded; MASH told by phone, ref pending", by: actor("sup", .supervisor))
        let overview = try await store.supervisorOverview(asOf: t0 + 120, limit: 10)
        #expect(overview.openFlags.map(\.caseId) == [id] && overview.openFlags[0].caseClosed, "the call stays visible")
        #expect(overview.openFlagCount == 1)
        #expect(try await store.backlog(asOf: t0 + 120, limit: nil).isEmpty)
        await #expect { try await actions.reopen(id, reason: "new evidence", by: actor("ann")) } throws: {
            ($0 as? CaseActionError)?.code == .forbidden
        }
        try await actions.reopen(id, reason: "new evidence", by: actor("sup", .supervisor))
        #expect(try await store.backlog(asOf: t0 + 120, limit: nil).map(\.caseId) == [id])
        let detail = try await store.caseDetail(id, asOf: t0 + 120)
        #expect(detail.decisions.map(\.kind) == ["close", "close-override", "reopen"])
        #expect(try await store.audit(caseId: id).map(\.action).suffix(2) == ["case.close", "case.reopen"])
    }

    @Test("deferral: supervisors only, a review time in the future; open again once it passes; a deferred call can be notified")
    func deferralLifecycle() async throws {
        let store = MemoryStore()
        let id = try #require(accepted(try await store.importReferrals([submission("A", facts: [.childAccessHousehold])], sources: [], now: t0)[0]))
        let actions = CaseActions(store: store, now: { TestInstants.t0 + 60 })
        let review = t0 + 86_400
        await #expect {
            try await actions.deferNotification(id, flag: .socialCare, reason: "tipping off", reviewBy: review, by: actor("ann"))
        } throws: {
            ($0 as? CaseActionError)?.code == .forbidden
        }
        await #expect {
            try await actions.deferNotification(id, flag: .socialCare, reason: "tipping off", reviewBy: t0 + 30, by: actor("sup", .supervisor))
        } throws: {
            ($0 as? CaseActionError)?.code == .invalid && "\($0)".contains("future")
        }
        try await actions.deferNotification(id, flag: .socialCare, reason: "warrant first", reviewBy: review, by: actor("sup", .supervisor))
        let deferred = try await store.caseDetail(id, asOf: t0 + 3600).summary.flags[0]
        #expect(deferred.state == .deferred && !deferred.overdue && deferred.dueAt == review)
        let lapsed = try await store.caseDetail(id, asOf: review + 3600).summary.flags[0]
        #expect(lapsed.state == .open && lapsed.overdue, "once the review passes the call is open again, overdue from the review")
        #expect(try await store.supervisorOverview(asOf: review + 3600, limit: 10).openFlags.map(\.caseId) == [id])
        #expect(try await store.supervisorOverview(asOf: t0 + 3600, limit: 10).deferrals.map(\.caseId) == [id])
        #expect(try await actions.claimNext(by: actor("ann"))?.caseId == id)
        try await actions.notify(id, flag: .socialCare, method: "phone", reference: "MASH-7", by: actor("ann"))
        #expect(try await store.caseDetail(id, asOf: t0 + 3600).summary.flags[0].state == .notified)
        try await actions.close(id, outcome: outcome(), by: actor("ann"))
        #expect(try await store.caseDetail(id, asOf: t0 + 3600).status == "closed", "a notified call does not hold a case open")
    }

    @Test("a strategy discussion needs who took part, a known outcome and a time not in the future; the holder rule binds it")
    func strategyDiscussion() async throws {
        let (store, id, folder) = try await fixture()
        defer { folder.remove() }
        let now = TestInstants.t0 + 7200
        let actions = CaseActions(store: store, now: { now })
        let supervisor = actor("sup", .supervisor)
        for (with, outcome, held, reason) in [
            (" , ", "joint-investigation", now - 60, "say who took part"),
            ("social care", "arrest", now - 60, "outcome 'arrest' is not one of joint-investigation, single-agency, no-further-action"),
            ("social care", "single-agency", now + 3600, "is in the future"),
        ] {
            await #expect { try await actions.recordStrategy(id, heldAt: held, with: with, outcome: outcome, note: "", by: supervisor) } throws: {
                ($0 as? CaseActionError)?.code == .invalid && "\($0)".contains(reason)
            }
        }
        await #expect {
            try await actions.recordStrategy(id, heldAt: now - 60, with: "health", outcome: "single-agency", note: "", by: actor("ann"))
        } throws: {
            ($0 as? CaseActionError)?.code == .notYourCase
        }
        #expect(try await store.caseDetail(id, asOf: now).strategyDiscussions.isEmpty, "nothing refused was stored")
        try await actions.recordStrategy(id, heldAt: now - 60, with: "social care ,health", outcome: "no-further-action", note: " ", by: supervisor)
        let recorded = try #require(try await store.caseDetail(id, asOf: now).strategyDiscussions.first)
        #expect(
            recorded.discussion == StrategyDiscussion(heldAt: now - 60, attendees: ["social care", "health"], outcome: .noFurtherAction, note: ""))
        #expect(recorded.by == "sup" && recorded.recordedAt == now)
    }
}
