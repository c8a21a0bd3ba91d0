import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// Supplementary packages and previously known subjects as every `Store` handles them; each test runs once
/// per `StoreKind`.
@Suite("Store conformance: supplementary referrals and earlier cases")
struct SupplementConformanceTests {
    let sam = AuditActor(name: "sam", remote: "test")
    let phone = LinkKey.phone("+44 7700 900123")!

    @Test(
        "a supplementary package joins its package's open case and re-grades it: Low → Very High on a household child and a history",
        arguments: StoreKind.allCases)
    func supplementOpenCase(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([submission("NCA-1")], sources: [], now: t0)[0]))
            #expect(try await store.caseDetail(id, asOf: t0).summary.grade == .low)

            let supplement = submission(
                "NCA-1+later", received: t0 + 3600, facts: [.sexualOffenceHistory, .childAccessHousehold],
                children: [Child(age: 6, relation: .household, provenance: .referral)], supplements: "NCA-1")
            let outcome = try await store.importReferrals([supplement], sources: [], now: t0 + 3700)
            #expect(outcome == [.accepted(id)], "the same case, though it shares no identifier")
            let detail = try await store.caseDetail(id, asOf: t0 + 3700)
            #expect(detail.summary.grade == .veryHigh && detail.summary.youngestChildAge == 6)
            #expect(detail.summary.flags.map(\.kind) == [.socialCare], "the call the new grade calls for")
            #expect(detail.referrals.map(\.ref) == ["NCA-1", "NCA-1+later"] && detail.referrals[1].supplements == "NCA-1")
            #expect(detail.assessments.map(\.grade) == [.low, .veryHigh], "the history shows the supplementary's re-grade")
            #expect(try await store.importReferrals([supplement], sources: [], now: t0 + 3800) == [.duplicate(id)], "re-importing is harmless")
        }
    }

    @Test("a supplementary package not disseminated after its package is refused, naming both", arguments: StoreKind.allCases)
    func supplementTooEarly(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([submission("NCA-1")], sources: [], now: t0)[0]))
            let outcome = try await store.importReferrals(
                [submission("NCA-2", received: t0 - 60, facts: [.distribution], supplements: "NCA-1")], sources: [], now: t0 + 60)
            guard case .refused(let field, let reason) = outcome[0] else {
                Issue.record("expected a refusal, got \(outcome[0])")
                return
            }
            #expect(field == "disseminatedAt" && reason.contains("NCA-1") && reason.contains("\(id)"))
            #expect(try await store.caseDetail(id, asOf: t0 + 60).referrals.count == 1, "nothing stored")
            let orphan = try await store.importReferrals([submission("NCA-3", supplements: "NCA-404")], sources: [], now: t0 + 60)
            #expect(accepted(orphan[0]).map { $0 != id } == true, "a supplement of a package not stored opens a case of its own")
        }
    }

    @Test(
        "a referral about the subject of a closed case opens a new case linked to it; an arrest there makes the history yes",
        arguments: StoreKind.allCases)
    func previouslyKnown(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try #require(
                accepted(try await store.importReferrals([submission("NCA-1", facts: [.distribution], links: [phone])], sources: [], now: t0)[0]))
            try await store.close(first, outcome: outcome(.arrested), overrideReason: nil, by: sam, at: t0 + day)

            let later = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("NCA-2", received: t0 + 30 * day, facts: [.distribution], links: [phone])], sources: [], now: t0 + 30 * day)[0]))
            #expect(later != first, "a closed case is never joined")
            let detail = try await store.caseDetail(later, asOf: t0 + 30 * day)
            #expect(detail.previousCases.map(\.caseId) == [first] && detail.previousCases.map(\.closedAt) == [t0 + day])
            #expect(detail.previousCases[0].text.hasPrefix("subject of \(first), closed \(DayText.format(t0 + day)) arrested"))
            let history = try #require(detail.facts.first { $0.fact == .sexualOffenceHistory })
            #expect(history.value == .yes && history.provenance == [.earlierCase(first)])
            #expect(detail.summary.grade == .high, "phase 2: a history, access and behaviour unknown")

            try await store.close(later, outcome: outcome(), overrideReason: nil, by: sam, at: t0 + 31 * day)
            let third = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("NCA-3", received: t0 + 40 * day, links: [phone])], sources: [], now: t0 + 40 * day)[0]))
            let known = try await store.caseDetail(third, asOf: t0 + 40 * day).previousCases
            #expect(known.map(\.caseId) == [later, first], "most recently closed first")
            #expect(known[0].outcomeCode == .nfaInsufficientEvidence && known[1].outcomeCode == .arrested)
        }
    }

    @Test("a supplementary package for a closed case opens a new case that names the old one", arguments: StoreKind.allCases)
    func supplementClosedCase(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try #require(accepted(try await store.importReferrals([submission("NCA-1")], sources: [], now: t0)[0]))
            try await store.close(first, outcome: outcome(.warrantNothingFound), overrideReason: nil, by: sam, at: t0 + day)
            let reopened = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("NCA-1+s", received: t0 + 2 * day, facts: [.distribution], supplements: "NCA-1")], sources: [],
                        now: t0 + 2 * day)[0]))
            #expect(reopened != first)
            let detail = try await store.caseDetail(reopened, asOf: t0 + 2 * day)
            #expect(detail.status == "open" && detail.previousCases.map(\.caseId) == [first])
            #expect(detail.facts.first { $0.fact == .sexualOffenceHistory }?.value == .unknown, "a warrant that found nothing is no history")
        }
    }
}
