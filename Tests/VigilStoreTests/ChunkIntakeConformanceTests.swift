import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// One chunk mixing every kind of record, as every `Store` takes it: the PostgreSQL store writes records
/// that touch nothing else together and decides the rest one at a time, and the outcomes must not differ.
@Suite("Store conformance: a mixed chunk")
struct ChunkIntakeConformanceTests {
    @Test(
        "one chunk of new, duplicate, conflicting, linked, self-linked and supplementary records: each gets the outcome it would get alone",
        arguments: StoreKind.allCases)
    func mixedChunk(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
            let phone = { (digits: String) in LinkKey.phone("+44 7700 900\(digits)")! }
            let first = try await store.importReferrals(
                [submission("A", links: [phone("001")]), submission("B", links: [phone("002")]), submission("S", facts: [.distribution])],
                sources: sources, now: t0)
            let (a, b, s) = (try #require(accepted(first[0])), try #require(accepted(first[1])), try #require(accepted(first[2])))

            let ip = IPObservation(ipAddress: "198.51.100.9", at: t0, port: 443)
            let chunk = [
                submission(
                    "C", received: t0 + 10, facts: [.distribution, .childAccessHousehold],
                    children: [Child(age: 7, relation: .household, provenance: .referral)],
                    links: [phone("003")], research: ResearchInputs(ips: [ip])),
                submission("A", links: [phone("001")]),
                submission("D", received: t0 + 20, links: [phone("002")]),
                submission("E", received: t0 + 30, links: [phone("004")]),
                submission("F", received: t0 + 40, links: [phone("004")]),
                submission("A", links: [phone("001")], content: "{\"ref\":\"A\",\"changed\":true}"),
                submission("S+1", received: t0 + 50, facts: [.contactAbuseIndicators], supplements: "S"),
                submission("G", received: t0 + 60),
            ]
            let outcomes = try await store.importReferrals(chunk, sources: sources, now: t0 + 3600)
            let c = try #require(accepted(outcomes[0]), "C opens a case: \(outcomes[0])")
            guard case .duplicate(a) = outcomes[1] else { Issue.record("A again is a duplicate of \(a): \(outcomes[1])"); return }
            #expect(accepted(outcomes[2]) == b, "D shares B's phone")
            let e = try #require(accepted(outcomes[3]))
            #expect(accepted(outcomes[4]) == e, "F shares E's phone, in the same chunk")
            guard case .conflict(a) = outcomes[5] else { Issue.record("A with other content conflicts with \(a): \(outcomes[5])"); return }
            #expect(accepted(outcomes[6]) == s, "S+1 supplements S")
            let g = try #require(accepted(outcomes[7]))
            #expect(Set([a, b, s, c, e, g]).count == 6)

            let backlog = try await store.backlog(asOf: t0 + 3600, limit: nil)
            #expect(backlog.count == 6)
            #expect(backlog.first { $0.caseId == b }?.refs == ["B", "D"])
            #expect(backlog.first { $0.caseId == e }?.refs == ["E", "F"])
            let opened = try await store.caseDetail(c, asOf: t0 + 3600)
            #expect(opened.summary.youngestChildAge == 7 && opened.summary.childAccess == .yes, "C's child is stored: \(opened.summary)")
            #expect(try await store.checks(of: c).map(\.source) == ["subscriber"], "C's check is planned")
            #expect(!opened.summary.flags.isEmpty, "a household child raises a social-care call for C: \(opened.summary.flags)")
        }
    }
}
