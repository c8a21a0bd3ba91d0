import Foundation
import Testing
import VigilTesting

/// The PostgreSQL store is tested wherever the suite runs as the README says (`Scripts/test.sh`, which CI
/// calls): a run without the cluster would silently test two stores of three.
@Suite("the test run's PostgreSQL cluster")
struct PostgresClusterTests {
    @Test("a scripted run has a cluster, and the conformance suites run against it")
    func clusterPresent() {
        guard ProcessInfo.processInfo.environment["VIGIL_TEST_SCRIPT"] != nil else { return }
        #expect(PostgresTestDatabase.cluster != nil, "Scripts/test.sh starts a cluster and sets VIGIL_TEST_POSTGRES")
        #expect(StoreKind.allCases.contains(.postgres))
    }
}
