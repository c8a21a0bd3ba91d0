import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// `integrityProblems()` on every store: a store that took imports, claims, answers, failures and
/// retries finds nothing wrong with itself (the tampering side is per store: `SQLiteIntegrityTests`).
@Suite("Store conformance: integrity")
struct IntegrityConformanceTests {
    @Test(
        "after imports, a claim, an answer, a failure with a retry and a final failure, the store finds nothing wrong", arguments: StoreKind.allCases)
    func consistentAfterWork(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
            #expect(try await store.integrityProblems() == [], "an empty store")
            let ip = { (n: Int) in IPObservation(ipAddress: "198.51.100.\(n)", at: t0 - 3600, port: nil) }
            let outcomes = try await store.importReferrals(
                (1...4).map { submission("I\($0)", facts: [.distribution], research: ResearchInputs(ips: [ip($0)])) }, sources: sources, now: t0)
            #expect(outcomes.allSatisfy { accepted($0) != nil })
            _ = try await store.claimNext(by: AuditActor(name: "officer", remote: "cli"), now: t0 + 1)
            let leases = try await store.leaseChecks(owner: "w", limit: 3, now: t0 + 2, leaseDuration: 30)
            #expect(leases.count == 3)
            #expect(try await store.completeCheck(leases[0], findings: CheckFindings(summary: "nothing held"), sources: sources, now: t0 + 3))
            #expect(try await store.failCheck(leases[1], error: "HTTP 500", retryAt: t0 + 60, now: t0 + 3))
            #expect(try await store.failCheck(leases[2], error: "HTTP 404", retryAt: nil, now: t0 + 3))
            #expect(try await store.integrityProblems() == [])
        }
    }
}
