import Foundation
import Testing
import VigilActions
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

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

    func actor(_ name: String, anyCase: Bool = false) -> CaseActor {
        CaseActor(audit: AuditActor(name: name, remote: "test"), mayActOnAnyCase: anyCase)
    }

    @Test("the holder rule: only the holder acts, unless the actor may act on any case; refused actions change nothing")
    func holderRule() async throws {
        let (store, id, folder) = try await fixture()
        defer { folder.remove() }
        let actions = CaseActions(store: store, now: { TestInstants.t0 + 60 })
        await #expect { try await actions.close(id, outcome: "nfa", by: actor("ann")) } throws: {
            ($0 as? CaseActionError)?.code == .notYourCase && "\($0)".contains("claim case \(id)")
        }
        #expect(try await actions.claimNext(by: actor("ann"))?.caseId == id)
        await #expect { try await actions.notify(id, flag: .socialCare, method: "phone", reference: "MASH-1", by: actor("bob")) } throws: {
            ($0 as? CaseActionError)?.code == .notYourCase && "\($0)".contains("held by ann")
        }
        try await actions.notify(id, flag: .socialCare, method: " phone ", reference: "MASH-1", by: actor("ann"))
        try await actions.decide(id, decision: "visit", rationale: "child at home", by: actor("sup", anyCase: true))
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
        let supervisor = actor("sup", anyCase: true)
        for attempt in [
            { try await actions.close(id, outcome: text, by: supervisor) },
            { try await actions.decide(id, decision: "visit", rationale: text, by: supervisor) },
            { try await actions.notify(id, flag: .socialCare, method: text, reference: "r", by: supervisor) },
            { try await actions.deferNotification(id, flag: .socialCare, reason: text, reviewBy: TestInstants.t0 + 86_400, by: supervisor) },
        ] as [@Sendable () async throws -> Void] {
            await #expect { try await attempt() } throws: { ($0 as? CaseActionError)?.code == .invalid }
        }
        #expect(try await store.audit(caseId: id).isEmpty)
        #expect(try await store.caseDetail(id, asOf: TestInstants.t0).status == "open")
    }
}
