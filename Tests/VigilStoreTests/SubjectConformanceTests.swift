import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// Subjects and addresses as every `Store` keeps them; each test runs once per `StoreKind`.
@Suite("Store conformance: subjects and addresses")
struct SubjectConformanceTests {
    @Test(
        "what facts and children are about, and the addresses sources resolved, survive the store; a joining referral's household stays its own",
        arguments: StoreKind.allCases)
    func subjectsKept(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let phone = LinkKey.phone("+44 7700 900456")!
            let north = PostalAddress(line1: "3 Example Terrace", town: "Northtown", postcode: "ZZ9 9ZZ", addressType: .installation)
            let south = PostalAddress(line1: "41 Sample Street", town: "Southville", postcode: "ZZ2 2BB", addressType: .billing)
            func referral(_ ref: String, _ address: PostalAddress, age: Int, received: Date) -> ReferralSubmission {
                var submission = submission(
                    ref, received: received, children: [Child(age: age, relation: .household, provenance: .referral, about: .address(address))],
                    links: [phone], research: ResearchInputs(addresses: [address]))
                submission.referral.observations = [
                    FactObservation(fact: .childAccessHousehold, value: true, provenance: .referral, at: received, about: .address(address))
                ]
                return submission
            }
            let id = try #require(accepted(try await store.importReferrals([referral("N", north, age: 7, received: t0)], sources: [], now: t0)[0]))
            let joined = try await store.importReferrals([referral("S", south, age: 3, received: t0 + 60)], sources: [], now: t0 + 60)
            #expect(joined == [.accepted(id)], "the shared phone joins the two towns in one case")

            let detail = try await store.caseDetail(id, asOf: t0 + 60)
            #expect(detail.knownChildren.map(\.about) == [.address(north), .address(south)], "sorted by household")
            #expect(detail.facts.first { $0.fact == .childAccessHousehold }?.about == [.address(north), .address(south)].sorted())
            #expect(detail.addresses.map(\.address) == [.address(north), .address(south)])
            #expect(detail.addresses.map(\.billingOnly) == [false, true] && detail.addresses.allSatisfy { !$0.corroborated })
        }
    }
}
