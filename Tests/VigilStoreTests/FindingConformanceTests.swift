import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// Officers' findings as every `Store` records them; each test runs once per `StoreKind`.
@Suite("Store conformance: officers' findings")
struct FindingConformanceTests {
    let ann = AuditActor(name: "ann", remote: "test")

    func finding(_ facts: [String], children: [String] = [], at: Date) throws -> OfficerFinding {
        try OfficerFinding(facts: facts, children: children, note: "home visit", by: "ann", at: at)
    }

    @Test(
        "each phase of the tree moves on a finding: history, a household child, imminent danger; flags and alerts follow",
        arguments: StoreKind.allCases)
    func phases(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([submission("d", facts: [.distribution])], sources: [], now: t0)[0]))
            #expect(try await store.caseDetail(id, asOf: t0).summary.grade == .medium, "phase 4: distribution")

            try await store.recordFinding(id, try finding(["sexualOffenceHistory=yes"], at: t0 + 60), by: ann, at: t0 + 60)
            var detail = try await store.caseDetail(id, asOf: t0 + 60)
            #expect(detail.summary.grade == .high, "phase 2: a history, access and behaviour unknown")
            #expect(detail.facts.first { $0.fact == .sexualOffenceHistory }?.provenance == [.officer("ann")])
            #expect(detail.assessments.last?.trigger == .officer("ann"))

            try await store.recordFinding(id, try finding([], children: ["7:household"], at: t0 + 120), by: ann, at: t0 + 120)
            detail = try await store.caseDetail(id, asOf: t0 + 120)
            #expect(detail.summary.grade == .veryHigh && detail.summary.youngestChildAge == 7, "phase 2: a history and a child at home")
            #expect(detail.summary.flags.map(\.kind) == [.socialCare] && detail.summary.flags[0].raisedBy == .officer("ann"))
            #expect(detail.children.contains(Child(age: 7, relation: .household, provenance: .officer("ann"))))

            try await store.recordFinding(id, try finding(["imminentDanger=yes"], at: t0 + 180), by: ann, at: t0 + 180)
            #expect(try await store.caseDetail(id, asOf: t0 + 180).summary.imminentDanger)
            let alerts = Set(try await store.alerts(state: nil, limit: 10).map(\.alert.kind))
            #expect(alerts == [.veryHigh, .flagRaised, .imminentDanger])
            #expect(try await store.audit(caseId: id).filter { $0.action == "case.fact" }.map(\.detail).last == "imminentDanger=yes; home visit")
        }
    }

    @Test("an officer's finding outranks the referral's: access said yes becomes no, the grade falls, the flag stays", arguments: StoreKind.allCases)
    func officerOutranks(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("o", facts: [.childAccessOther, .sexualCommunicationWithChild, .distribution])], sources: [], now: t0)[0]))
            #expect(try await store.caseDetail(id, asOf: t0).summary.grade == .veryHigh)
            try await store.recordFinding(
                id, try finding(["childAccessOther=no", "sexualCommunicationWithChild=no"], at: t0 + 60), by: ann, at: t0 + 60)
            let detail = try await store.caseDetail(id, asOf: t0 + 60)
            #expect(detail.summary.grade == .medium, "access and behaviour no: phase 4, distribution")
            #expect(
                detail.facts.first { $0.fact == .childAccessOther }.map { ($0.value, $0.provenance) } ?? (.unknown, []) == (.no, [.officer("ann")]))
            #expect(detail.summary.flags.map(\.state) == [.open], "a grade going down never closes a flag")
            try await store.close(id, outcome: outcome(), overrideReason: "told", by: ann, at: t0 + 120)
            await #expect(throws: StoreError.self) {
                try await store.recordFinding(id, try finding(["imminentDanger=yes"], at: t0 + 180), by: ann, at: t0 + 180)
            }
        }
    }

    @Test("a finding names the address or person it is about; its children live there", arguments: StoreKind.allCases)
    func findingAbout(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([submission("d", facts: [.distribution])], sources: [], now: t0)[0]))
            let home = try #require(try OfficerFinding.about(subject: nil, address: "3 Example Terrace, Northtown, ZZ9 9ZZ"))
            let visit = try OfficerFinding(facts: [], children: ["5:household"], note: "home visit", by: "ann", at: t0 + 60, about: home)
            try await store.recordFinding(id, visit, by: ann, at: t0 + 60)
            let detail = try await store.caseDetail(id, asOf: t0 + 60)
            #expect(detail.knownChildren.map(\.about) == [home] && home.label == "3 Example Terrace, Northtown, ZZ9 9ZZ")
            #expect(detail.facts.first { $0.fact == .childAccessHousehold }?.about == [home])
            #expect(
                try OfficerFinding.about(subject: "Sam Sample (DOB 1979-05-05)", address: nil)
                    == Subject(rawValue: "person:Sam Sample (DOB 1979-05-05)"))
            #expect(throws: OfficerFindingError.self) { try OfficerFinding.about(subject: "Sam", address: "1 Row, ZZ1 1AA") }
            #expect(throws: OfficerFindingError.self) { try OfficerFinding.about(subject: nil, address: "no postcode") }
            #expect(try OfficerFinding.about(subject: " ", address: nil) == nil)
        }
    }
}
