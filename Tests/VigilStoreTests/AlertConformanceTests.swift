import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// The alert outbox, the calls list and strategy discussions, as every `Store` keeps them; each test runs
/// once per `StoreKind`.
@Suite("Store conformance: alerts, calls and strategy discussions")
struct AlertConformanceTests {
    let supervisor = AuditActor(name: "sam", remote: "test")

    @Test("an evaluation writes its alerts with it, once per alertId: Very High, imminent danger, each flag raised", arguments: StoreKind.allCases)
    func alertsWithTheEvaluation(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission(
                        "car", facts: [.imminentDanger, .childAccessHousehold, .childAccessOccupation],
                        children: [Child(age: 4, relation: .household, provenance: .referral)]),
                    submission("low", facts: [.distribution]),
                ], sources: [], now: t0 + 60)
            let car = try #require(accepted(outcomes[0]))
            let ids = Set(try await store.alerts(state: nil, limit: 100).map(\.alert.alertId))
            #expect(
                ids == ["\(car)/case.very-high", "\(car)/case.imminent-danger", "\(car)/flag.raised/socialCare", "\(car)/flag.raised/lado"],
                "the Low case calls for none")
            let pending = try await store.alerts(state: .pending, limit: 100)
            #expect(pending.count == 4 && pending.allSatisfy { $0.attempts == 0 && $0.nextAttemptAt == t0 + 60 })
            let raised = try #require(pending.first { $0.alert.kind == .flagRaised && $0.alert.flag == .lado })
            #expect(raised.alert.caseId == car && raised.alert.grade == .veryHigh && raised.alert.dueAt == t0 + day + 17 * 3600)
            #expect(raised.alert.message.contains("LADO call raised"))

            _ = try await store.importReferrals(
                [submission("car-2", facts: [.imminentDanger], links: []), submission("car", content: "{\"x\":1}")], sources: [], now: t0 + 120)
            try await store.recordDecision(car, decision: "visit", rationale: "re-grade", by: supervisor, at: t0 + 180)
            #expect(try await store.alertCounts()[.pending] == 6, "a second imminent case alerts; the first case re-graded does not again")
        }
    }

    @Test("overdue flags and passed reviews alert once each when swept; a notified flag never does", arguments: StoreKind.allCases)
    func timedAlerts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission("a", facts: [.childAccessHousehold, .childAccessOccupation, .sexualCommunicationWithChild]),
                    submission("b", facts: [.childAccessOccupation]),
                ], sources: [], now: t0)
            let a = try #require(accepted(outcomes[0]))
            let b = try #require(accepted(outcomes[1]))
            #expect(try await store.raiseTimedAlerts(now: t0 + 3600) == 0, "nothing is due yet")
            try await store.recordNotification(a, flag: .socialCare, by: supervisor, method: "phone", reference: "MASH-9", at: t0 + 7200)
            try await store.recordDeferral(
                a, flag: .lado, by: supervisor, reason: "tipping off before the warrant", reviewBy: t0 + 3 * day, at: t0 + 7200)
            let overdueAt = t0 + 2 * day
            #expect(try await store.raiseTimedAlerts(now: overdueAt) == 1, "b's LADO call is overdue; a's are notified or deferred")
            #expect(try await store.raiseTimedAlerts(now: overdueAt + 60) == 0, "swept again, no repeat")
            let overdue = try #require(try await store.alerts(state: nil, limit: 100).first { $0.alert.kind == .flagOverdue })
            #expect(overdue.alert.caseId == b && overdue.alert.flag == .lado && overdue.alert.raisedAt == overdueAt)
            #expect(try await store.raiseTimedAlerts(now: t0 + 3 * day) == 1, "a's deferral reached its review")
            let review = try #require(try await store.alerts(state: nil, limit: 100).first { $0.alert.kind == .reviewPassed })
            #expect(review.alert.caseId == a && review.alert.dueAt == t0 + 3 * day && review.alert.message.contains("make it now"))
        }
    }

    @Test("delivery leases are fenced by attempt; retries wait; failed alerts can be queued again", arguments: StoreKind.allCases)
    func deliveryLifecycle(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.importReferrals([submission("car", facts: [.imminentDanger])], sources: [], now: t0)
            let first = try await store.leaseAlerts(now: t0 + 1, until: t0 + 10, limit: 10)
            #expect(first.count == 2 && first.allSatisfy { $0.attempt == 1 })
            #expect(try await store.leaseAlerts(now: t0 + 2, until: t0 + 12, limit: 10).isEmpty, "leased alerts are not leased twice")
            let retaken = try await store.leaseAlerts(now: t0 + 11, until: t0 + 20, limit: 10)
            #expect(retaken.map(\.attempt) == [2, 2], "an expired lease is taken again")
            #expect(try await store.recordAlertAttempt(first[0], outcome: .delivered, at: t0 + 12) == false, "the first attempt was overtaken")
            #expect(try await store.recordAlertAttempt(retaken[0], outcome: .delivered, at: t0 + 12))
            #expect(try await store.recordAlertAttempt(retaken[1], outcome: .retry(at: t0 + 60, error: "HTTP 503"), at: t0 + 12))
            #expect(try await store.nextAlertAttempt() == t0 + 60)
            #expect(try await store.leaseAlerts(now: t0 + 30, until: t0 + 40, limit: 10).isEmpty)
            let third = try await store.leaseAlerts(now: t0 + 60, until: t0 + 70, limit: 10)
            #expect(third.map(\.attempt) == [3])
            #expect(try await store.recordAlertAttempt(third[0], outcome: .failed(error: "refused"), at: t0 + 61))
            #expect(try await store.alertCounts() == [.delivered: 1, .failed: 1])
            let failed = try #require(try await store.alerts(state: .failed, limit: 10).first)
            #expect(failed.lastError == "refused" && failed.attempts == 3)
            let delivered = try #require(try await store.alerts(state: .delivered, limit: 10).first)
            #expect(delivered.deliveredAt == t0 + 12 && delivered.nextAttemptAt == nil)
            #expect(try await store.retryFailedAlerts(now: t0 + 100) == 1)
            #expect(try await store.leaseAlerts(now: t0 + 100, until: t0 + 110, limit: 10).map(\.attempt) == [4])
        }
    }

    @Test("the calls list: overdue first, then due time, then backlog order; owned by the holder or the supervisors", arguments: StoreKind.allCases)
    func callsList(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission("early-lado", facts: [.childAccessOccupation]),
                    submission(
                        "household-baby", received: t0 + 3600, facts: [.childAccessHousehold, .sexualCommunicationWithChild],
                        children: [Child(age: 0, relation: .household, provenance: .referral)]),
                    submission(
                        "household-ten", received: t0 + 3600, facts: [.childAccessHousehold, .sexualCommunicationWithChild],
                        children: [Child(age: 10, relation: .household, provenance: .referral)]),
                ], sources: [], now: t0 + 3600)
            let ids = outcomes.compactMap(accepted)
            try #require(ids.count == 3)
            let claimed = try #require(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: t0 + 3600))
            #expect(claimed.caseId == ids[1], "the baby's case is first in the backlog")

            let calls = try await store.openCalls(asOf: t0 + 3600 + day + 60)
            #expect(
                calls.map(\.caseId) == [ids[1], ids[2], ids[0]],
                "both social-care calls overdue, the baby's first; the LADO's due at the end of Monday")
            #expect(calls.map(\.overdue) == [true, true, false])
            #expect(calls.map(\.owner) == ["ann", "supervisors", "supervisors"])
            #expect(calls[0].youngestChildAge == 0 && calls[0].childAccess == .yes && calls[0].grade >= .high)
            #expect(calls[2].kind == .lado && calls[2].dueAt == t0 + day + 17 * 3600)
            #expect(calls.map(\.contact) == ["emergency duty team", "emergency duty team", "LADO"], "Monday 01:01 is out of hours")
            let inHours = try await store.openCalls(asOf: t0 + day + 10 * 3600)
            #expect(inHours.first?.contact == "children's social care")
        }
    }

    @Test(
        "a Very High case with child access is listed until a strategy discussion is recorded, 24 h after its first flag",
        arguments: StoreKind.allCases)
    func strategyDiscussions(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission("very-high", facts: [.childAccessHousehold, .sexualCommunicationWithChild]),
                    submission("high-only", facts: [.childAccessOccupation]),
                ], sources: [], now: t0)
            let id = try #require(accepted(outcomes[0]))
            #expect(try await store.supervisorOverview(asOf: t0 + day - 60, limit: 10).strategyOverdue.isEmpty, "not yet 24 h")
            let overdue = try await store.supervisorOverview(asOf: t0 + day + 60, limit: 10).strategyOverdue
            #expect(overdue == [StrategyLine(caseId: id, flaggedAt: t0, dueAt: t0 + day, claimedBy: nil)], "the High case calls for none")

            let discussion = try StrategyDiscussion(
                heldAt: t0 + day + 3600, with: "social care, health", outcome: "joint-investigation", note: "s47 with a joint visit",
                now: t0 + day + 7200)
            try await store.recordStrategyDiscussion(id, discussion, by: supervisor, at: t0 + day + 7200)
            #expect(try await store.supervisorOverview(asOf: t0 + day + 7200, limit: 10).strategyOverdue.isEmpty)
            let detail = try await store.caseDetail(id, asOf: t0 + day + 7200)
            #expect(detail.strategyDiscussions == [StrategyRecord(discussion: discussion, by: "sam", recordedAt: t0 + day + 7200)])
            #expect(discussion.attendees == ["social care", "health"] && discussion.outcome == .jointInvestigation)
            let audit = try await store.audit(caseId: id)
            #expect(audit.last?.action == "case.strategy" && audit.last?.detail.contains("joint-investigation; s47 with a joint visit") == true)
        }
    }
}
