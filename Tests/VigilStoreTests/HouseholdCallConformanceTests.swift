import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// One social-care call per household and one LADO call per subject, as every `Store` keeps them; each
/// test runs once per `StoreKind`.
@Suite("Store conformance: a call per household and per subject")
struct HouseholdCallConformanceTests {
    static let phone = LinkKey.phone("+44 7700 900456")!
    static let north = PostalAddress(line1: "3 Example Terrace", town: "Northtown", postcode: "ZZ9 9ZZ", addressType: .installation)
    static let south = PostalAddress(line1: "41 Sample Street", town: "Southville", postcode: "ZZ2 2BB", addressType: .installation)

    /// A High-risk referral joined by the shared phone, with a child at `address` (none when nil).
    static func referral(_ ref: String, at address: PostalAddress?, received: Date) -> ReferralSubmission {
        let about = address.map(Subject.address)
        var submission = submission(
            ref, received: received, facts: [.distribution],
            children: about.map { [Child(age: 6, relation: .household, provenance: .referral, about: $0)] } ?? [], links: [phone])
        submission.referral.observations.append(
            FactObservation(fact: .childAccessHousehold, value: true, provenance: .referral, at: received, about: about))
        return submission
    }

    @Test(
        "two households joined by a phone raise two social-care calls, each with its alert, notified, deferred and listed on its own",
        arguments: StoreKind.allCases)
    func twoHouseholdsTwoCalls(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(
                accepted(try await store.importReferrals([Self.referral("N", at: Self.north, received: t0)], sources: [], now: t0)[0]))
            _ = try await store.importReferrals([Self.referral("S", at: Self.south, received: t0 + 60)], sources: [], now: t0 + 60)

            let flags = try await store.caseDetail(id, asOf: t0 + 60).summary.flags
            #expect(flags.map(\.key) == [FlagKey(.socialCare, about: .address(Self.north)), FlagKey(.socialCare, about: .address(Self.south))])
            #expect(flags.map(\.raisedBy) == [.referral, .referral] && flags.map(\.raisedAt) == [t0, t0 + 60])
            let raisedAlerts = try await store.alerts(state: nil, limit: 50).map(\.alert).filter { $0.kind == .flagRaised }
            #expect(
                Set(raisedAlerts.map(\.flagRef)) == [Subject.address(Self.north).reference, Subject.address(Self.south).reference],
                "one alert per household")
            #expect(
                !raisedAlerts.contains { $0.alertId.contains("Sample Street") || $0.message.contains("Sample Street") }, "no address in a webhook")

            let unnamed = await #expect(throws: StoreError.self) {
                try await store.recordNotification(
                    id, flag: .socialCare, by: AuditActor(name: "dc-one", remote: "test"), method: "phone", reference: "X", at: t0 + 120)
            }
            #expect(unnamed?.code == .invalidInput && unnamed?.message.contains("41 Sample Street") == true)

            try await store.recordNotification(
                id, flag: FlagKey(.socialCare, named: "41 sample street, ZZ2 2BB"), by: AuditActor(name: "dc-one", remote: "test"), method: "phone",
                reference: "SC-S",
                at: t0 + 120)
            let calls = try await store.openCalls(asOf: t0 + 180)
            #expect(calls.map(\.key) == [FlagKey(.socialCare, about: .address(Self.north))], "the north household's call is still to make")

            try await store.recordDeferral(
                id, flag: FlagKey(.socialCare, named: "3 Example Terrace, Northtown, ZZ9 9ZZ"),
                by: AuditActor(name: "sam-supervisor", remote: "test"),
                reason: "warrant first",
                reviewBy: t0 + 7200, at: t0 + 180)
            let detail = try await store.caseDetail(id, asOf: t0 + 240)
            #expect(detail.notifications.map(\.flagKey) == [FlagKey(.socialCare, about: .address(Self.south))])
            #expect(detail.decisions.compactMap(\.flagKey) == [FlagKey(.socialCare, about: .address(Self.north))])
            #expect(detail.summary.flags.map(\.state) == [.deferred, .notified])
            let deferrals = try await store.supervisorOverview(asOf: t0 + 240, limit: 10).deferrals
            #expect(deferrals.map(\.about) == [.address(Self.north)])

            let refused = await #expect(throws: StoreError.self) {
                try await store.close(
                    id, outcome: outcome(), overrideReason: nil, by: AuditActor(name: "sam-supervisor", remote: "test"), at: t0 + 300)
            }
            #expect(refused?.message.contains("socialCare for 3 Example Terrace") == true)
        }
    }

    @Test(
        "a case-wide call raised before any household was known becomes the first household's call, its deferral with it",
        arguments: StoreKind.allCases)
    func caseWideCallPlaced(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try #require(accepted(try await store.importReferrals([Self.referral("A", at: nil, received: t0)], sources: [], now: t0)[0]))
            #expect(try await store.caseDetail(id, asOf: t0).summary.flags.map(\.key) == [.socialCare], "no household known: one call for the case")
            try await store.recordDeferral(
                id, flag: .socialCare, by: AuditActor(name: "sam-supervisor", remote: "test"), reason: "warrant first", reviewBy: t0 + 7200,
                at: t0 + 30)

            _ = try await store.importReferrals([Self.referral("B", at: Self.south, received: t0 + 60)], sources: [], now: t0 + 60)
            _ = try await store.importReferrals([Self.referral("C", at: Self.north, received: t0 + 90)], sources: [], now: t0 + 90)
            let detail = try await store.caseDetail(id, asOf: t0 + 120)
            #expect(
                detail.summary.flags.map(\.key) == [
                    FlagKey(.socialCare, about: .address(Self.south)), FlagKey(.socialCare, about: .address(Self.north)),
                ])
            #expect(detail.summary.flags.map(\.state) == [.deferred, .open], "the deferred call is the first household's; the second is new")
            #expect(detail.decisions.compactMap(\.flagKey) == [FlagKey(.socialCare, about: .address(Self.south))])
            #expect(try await store.supervisorOverview(asOf: t0 + 120, limit: 10).deferrals.map(\.about) == [.address(Self.south)])
        }
    }

    @Test("one LADO call per subject working with children", arguments: StoreKind.allCases)
    func ladoPerSubject(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let teacher = Subject.person(PersonIdentity(name: "Tess Testcase", dateOfBirth: "1984-04-04"))
            let coach = Subject.person(PersonIdentity(name: "Cal Coachman", dateOfBirth: "1979-05-05"))
            func referral(_ ref: String, _ subject: Subject, received: Date) -> ReferralSubmission {
                var submission = submission(ref, received: received, links: [Self.phone])
                submission.referral.observations = [
                    FactObservation(fact: .childAccessOccupation, value: true, provenance: .referral, at: received, about: subject)
                ]
                return submission
            }
            let id = try #require(accepted(try await store.importReferrals([referral("T", teacher, received: t0)], sources: [], now: t0)[0]))
            _ = try await store.importReferrals([referral("C", coach, received: t0 + 60)], sources: [], now: t0 + 60)
            _ = try await store.importReferrals([referral("T2", teacher, received: t0 + 90)], sources: [], now: t0 + 90)
            let flags = try await store.caseDetail(id, asOf: t0 + 120).summary.flags
            #expect(flags.map(\.key) == [FlagKey(.lado, about: teacher), FlagKey(.lado, about: coach)])
            try await store.withdrawFlag(
                id, flag: FlagKey(.lado, named: "Cal Coachman (DOB 1979-05-05)"), reason: "not a coach", by: AuditActor(name: "sam", remote: "test"),
                at: t0 + 150)
            #expect(try await store.caseDetail(id, asOf: t0 + 150).summary.flags.map(\.state) == [.open, .withdrawn])
        }
    }
}
