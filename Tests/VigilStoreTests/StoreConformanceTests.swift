import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// The behaviour every `Store` must have; each test runs once per `StoreKind`.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("identical content is a duplicate, other content a conflict; neither changes anything", arguments: StoreKind.allCases)
    func duplicatesAndConflicts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await store.importReferrals([submission("A", facts: [.distribution])], sources: [], now: t0)
            let id = try #require(accepted(first[0]))
            let before = try await store.caseDetail(id, asOf: t0)
            let again = try await store.importReferrals(
                [submission("A", facts: [.distribution]), submission("A", content: "{\"other\":1}")], sources: [], now: t0 + 60)
            #expect(again == [.duplicate(id), .conflict(id)])
            let after = try await store.caseDetail(id, asOf: t0)
            #expect(after.assessments.count == before.assessments.count)
            #expect(after.referrals.map(\.payload) == ["{\"ref\":\"A\"}"])
        }
    }

    @Test("the same ref from another source is another referral", arguments: StoreKind.allCases)
    func identityIncludesSource(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals([submission("X"), submission("X", source: .p2p)], sources: [], now: t0)
            #expect(outcomes.compactMap(accepted).count == 2)
        }
    }

    @Test("a referral sharing a strong identifier joins the open case and is graded cumulatively", arguments: StoreKind.allCases)
    func linking(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let email = LinkKey.email("sam@example.com")!
            let outcomes = try await store.importReferrals(
                [
                    submission(
                        "A", received: t0 + 3600, facts: [.childAccessHousehold],
                        children: [Child(age: 9, relation: .household, provenance: .referral)],
                        links: [email]),
                    submission("B", received: t0, facts: [.sexualCommunicationWithChild], links: [email, LinkKey.phone("07700900001")!]),
                    submission("C", links: [LinkKey.phone("+44 7700 900001")!]),
                    submission("D", links: [LinkKey.email("other@example.com")!]),
                ], sources: [], now: t0 + 7200)
            let ids = outcomes.compactMap(accepted)
            #expect(ids[0] == ids[1] && ids[1] == ids[2])
            #expect(ids[3] != ids[0])
            let detail = try await store.caseDetail(ids[0], asOf: t0 + 7200)
            #expect(detail.summary.refs == ["A", "B", "C"])
            #expect(detail.summary.grade == .veryHigh, "access from A and behaviour from B together")
            #expect(detail.summary.receivedAt == t0, "the case has waited since its first referral")
            #expect(detail.assessments.map(\.grade) == [.high, .veryHigh, .veryHigh])
        }
    }

    @Test("a child in imminent danger goes first in the backlog and to the next claim, whatever else is known", arguments: StoreKind.allCases)
    func imminentDangerFirst(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission(
                        "access", received: t0, facts: [.childAccessHousehold, .sexualCommunicationWithChild],
                        children: [Child(age: 0, relation: .household, provenance: .referral)]),
                    submission("car", received: t0 + 3600, facts: [.imminentDanger]),
                ], sources: [], now: t0 + 7200)
            let ids = outcomes.compactMap(accepted)
            let backlog = try await store.backlog(asOf: t0 + 7200, limit: nil)
            #expect(backlog.map(\.caseId) == [ids[1], ids[0]])
            #expect(backlog.map(\.imminentDanger) == [true, false])
            #expect(try await store.caseDetail(ids[1], asOf: t0 + 7200).summary.position == 1)
            #expect(try await store.claimNext(by: AuditActor(name: "dc", remote: "test"), now: t0 + 7200)?.caseId == ids[1])
        }
    }

    @Test("a closed case is not joined", arguments: StoreKind.allCases)
    func closedCasesAreNotJoined(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let key = LinkKey.espAccount(service: "Example Chat", userId: "u1")!
            let first = try #require(accepted(try await store.importReferrals([submission("A", links: [key])], sources: [], now: t0)[0]))
            try await store.close(first, outcome: outcome(), overrideReason: nil, by: AuditActor(name: "sup", remote: "test"), at: t0 + 60)
            let second = try #require(accepted(try await store.importReferrals([submission("B", links: [key])], sources: [], now: t0 + 120)[0]))
            #expect(second != first)
            #expect(try await store.backlog(asOf: t0 + 120, limit: nil).map(\.caseId) == [second])
        }
    }

    @Test(
        "the backlog lists unclaimed cases in key order, then claimed ones; claims follow the same order",
        arguments: StoreKind.allCases)
    func order(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let child = { (age: Int?) in [Child(age: age, relation: .household, provenance: .referral)] }
            let batch = [
                submission("low", received: t0),
                submission("medium", received: t0, facts: [.distribution]),
                submission("high-noage", received: t0, facts: [.childAccessHousehold], children: child(nil)),
                submission("high-age9", received: t0 + 10, facts: [.childAccessHousehold], children: child(9)),
                submission("high-age3", received: t0 + 20, facts: [.childAccessHousehold], children: child(3)),
                submission("high-age3-older", received: t0 - 20, facts: [.childAccessHousehold], children: child(3)),
                submission("high-behaviour", received: t0 - 100, facts: [.contactAbuseIndicators]),
                submission("veryhigh", received: t0 + 99, facts: [.imminentDanger]),
            ]
            _ = try await store.importReferrals(batch, sources: [], now: t0 + 100)
            let expected = ["veryhigh", "high-age3-older", "high-age3", "high-age9", "high-noage", "high-behaviour", "medium", "low"]
            #expect(try await store.backlog(asOf: t0 + 100, limit: nil).flatMap(\.refs) == expected)
            #expect(try await store.backlog(asOf: t0 + 100, limit: 3).map(\.position) == [1, 2, 3])

            for entry in try await store.backlog(asOf: t0 + 100, limit: nil) {
                #expect(try await store.caseDetail(entry.caseId, asOf: t0 + 100).summary.position == entry.position, "\(entry.refs)")
            }
            let firstClaim = try #require(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: t0 + 200))
            #expect(firstClaim.refs == ["veryhigh"])
            #expect(firstClaim.claimedBy == "ann")
            let listing = try await store.backlog(asOf: t0 + 200, limit: nil)
            #expect(listing.flatMap(\.refs) == Array(expected.dropFirst()) + ["veryhigh"])
            #expect(try await store.caseDetail(firstClaim.caseId, asOf: t0 + 200).summary.position == listing.count, "claimed cases come last")
            var claimed: [String] = []
            while let entry = try await store.claimNext(by: AuditActor(name: "bob", remote: "test"), now: t0 + 300) { claimed += entry.refs }
            #expect(claimed == Array(expected.dropFirst()))
        }
    }

    @Test(
        "ageing: a Low case past its 30-day target is claimed as Medium, ahead of newer Medium work",
        arguments: StoreKind.allCases)
    func ageing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = t0 + 40 * day
            _ = try await store.importReferrals([submission("old-low", received: t0)], sources: [], now: t0 + 60)
            _ = try await store.importReferrals([submission("new-medium", received: now - 60, facts: [.distribution])], sources: [], now: now)
            let beforeTarget = try await store.backlog(asOf: t0 + 29 * day, limit: nil)
            #expect(beforeTarget.map(\.effectiveGrade) == [.medium, .low])
            let listing = try await store.backlog(asOf: now, limit: nil)
            #expect(listing.flatMap(\.refs) == ["old-low", "new-medium"])
            #expect(listing[0].grade == .low && listing[0].effectiveGrade == .medium && listing[0].overdue)
            #expect(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: now)?.refs == ["old-low"])
        }
    }

    @Test(
        "a promotion that falls due between claims is honoured by the next claim, however many claims came before",
        arguments: StoreKind.allCases)
    func promotionBetweenClaims(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let before = t0 + 29 * day
            _ = try await store.importReferrals([submission("old-low", received: t0)], sources: [], now: t0 + 60)
            let mediums = (0..<10).map { submission("medium-\($0)", received: before - 600 + Double($0), facts: [.distribution]) }
            _ = try await store.importReferrals(mediums, sources: [], now: before)
            for index in 0..<8 {
                #expect(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: before)?.refs == ["medium-\(index)"])
            }
            let after = t0 + 40 * day
            #expect(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: after)?.refs == ["old-low"])
            #expect(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: after)?.refs == ["medium-8"])
        }
    }

    @Test("release returns a case to the backlog; releasing an unclaimed case is refused", arguments: StoreKind.allCases)
    func release(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.importReferrals([submission("A")], sources: [], now: t0)
            let entry = try #require(try await store.claimNext(by: AuditActor(name: "ann", remote: "test"), now: t0))
            #expect(try await store.claimNext(by: AuditActor(name: "bob", remote: "test"), now: t0) == nil)
            try await store.release(entry.caseId, by: AuditActor(name: "test", remote: "test"), now: t0 + 60)
            await #expect(throws: StoreError.self) {
                try await store.release(entry.caseId, by: AuditActor(name: "test", remote: "test"), now: t0 + 60)
            }
            #expect(try await store.claimNext(by: AuditActor(name: "bob", remote: "test"), now: t0 + 120)?.caseId == entry.caseId)
            let claims = try await store.caseDetail(entry.caseId, asOf: t0 + 120).claims
            #expect(claims.map(\.officer) == ["ann", "bob"])
            #expect(claims[0].releasedAt == t0 + 60 && claims[1].releasedAt == nil)
        }
    }

    @Test("concurrent claimers never share a case", arguments: StoreKind.allCases)
    func concurrentClaims(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.importReferrals((0..<120).map { submission("R\($0)", received: t0 + Double($0)) }, sources: [], now: t0)
            let ids = try await withThrowingTaskGroup(of: [CaseID].self) { group in
                for claimer in 0..<16 {
                    group.addTask {
                        var mine: [CaseID] = []
                        while let entry = try await store.claimNext(by: AuditActor(name: "o\(claimer)", remote: "test"), now: t0 + 1) {
                            mine.append(entry.caseId)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [CaseID]()) { $0 += $1 }
            }
            #expect(ids.count == 120)
            #expect(Set(ids).count == 120)
        }
    }

    @Test("flags: raised at intake by the referral, closed only by a notification or a deferral", arguments: StoreKind.allCases)
    func flags(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let outcomes = try await store.importReferrals(
                [
                    submission(
                        "teacher", facts: [.childAccessHousehold, .childAccessOccupation],
                        children: [
                            Child(age: 11, relation: .household, provenance: .referral), Child(age: 8, relation: .household, provenance: .referral),
                        ]),
                    submission("medium-other-access", facts: [.distribution]),
                ], sources: [], now: t0 + 60)
            let id = try #require(accepted(outcomes[0]))
            let entry = try #require(try await store.backlog(asOf: t0 + 60, limit: nil).first { $0.caseId == id })
            #expect(entry.flags.map(\.kind) == [.socialCare, .lado])
            #expect(entry.flags.allSatisfy { $0.state == .open && $0.raisedBy == .referral })
            #expect(
                entry.flags.map(\.dueAt) == [t0 + 60 + day, t0 + day + 17 * 3600],
                "social care in 24 h; the LADO (raised on a Sunday) by the end of Monday")
            #expect(entry.youngestChildAge == 8)

            let late = try await store.backlog(asOf: t0 + 2 * day, limit: nil).first { $0.caseId == id }
            #expect(late?.flags.allSatisfy(\.overdue) == true)

            try await store.recordNotification(
                id, flag: .socialCare, by: AuditActor(name: "ann", remote: "test"), method: "phone", reference: "MASH-1", at: t0 + 120)
            await #expect(throws: StoreError.self) {
                try await store.recordNotification(
                    id, flag: .socialCare, by: AuditActor(name: "ann", remote: "test"), method: "phone", reference: "again", at: t0 + 130)
            }
            try await store.recordDeferral(
                id, flag: .lado, by: AuditActor(name: "sup", remote: "test"), reason: "tipping-off risk", reviewBy: t0 + 3 * day, at: t0 + 140)
            let detail = try await store.caseDetail(id, asOf: t0 + 2 * day)
            #expect(detail.summary.flags.map(\.state) == [.notified, .deferred])
            #expect(detail.summary.flags.allSatisfy { !$0.overdue })
            #expect(detail.notifications.map(\.reference) == ["MASH-1"])
            #expect(detail.decisions.map(\.kind) == ["defer"])
            let other = try #require(accepted(outcomes[1]))
            await #expect(throws: StoreError.self) {
                try await store.recordNotification(
                    other, flag: .socialCare, by: AuditActor(name: "ann", remote: "test"), method: "phone", reference: "x", at: t0)
            }
        }
    }

    @Test("closing removes a case from the backlog and keeps its history", arguments: StoreKind.allCases)
    func close(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([submission("A")], sources: [], now: t0)[0]))
            try await store.recordDecision(
                id, decision: "visit", rationale: "child in household", by: AuditActor(name: "ann", remote: "test"), at: t0 + 30)
            try await store.close(id, outcome: outcome(.arrested), overrideReason: nil, by: AuditActor(name: "ann", remote: "test"), at: t0 + 60)
            #expect(try await store.backlog(asOf: t0 + 60, limit: nil).isEmpty)
            #expect(try await store.claimNext(by: AuditActor(name: "bob", remote: "test"), now: t0 + 60) == nil)
            let detail = try await store.caseDetail(id, asOf: t0 + 60)
            #expect(detail.status == "closed" && detail.summary.position == nil)
            #expect(detail.decisions.map(\.kind) == ["visit", "close"])
            #expect(detail.decisions.map(\.detail) == ["child in household", "arrested; 0 children safeguarded"])
            await #expect(throws: StoreError.self) {
                try await store.recordDecision(id, decision: "late", rationale: "x", by: AuditActor(name: "ann", remote: "test"), at: t0 + 90)
            }
            await #expect(throws: StoreError.self) {
                try await store.close(id, outcome: outcome(), overrideReason: nil, by: AuditActor(name: "ann", remote: "test"), at: t0 + 90)
            }
            await #expect(throws: StoreError.self) { try await store.caseDetail(CaseID(999), asOf: t0) }
        }
    }
}
