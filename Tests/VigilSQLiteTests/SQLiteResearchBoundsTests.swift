import Foundation
import Testing
import VigilCore
@testable import VigilSQLite
import VigilSQLite
import VigilStore
import VigilTesting

/// What one answer may add to a case: checks up to the case's limit, assessments that stay short.
@Suite("SQLite: research is bounded per case")
struct SQLiteResearchBoundsTests {
    let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")

    @Test("an answer naming many persons plans checks only up to the case's limit, and the answering check says how many it left out")
    func checksPerCase() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path, auditKey: AuditKey.generate(), maxChecksPerCase: 10)
        let ip = IPObservation(ipAddress: "198.51.100.77", at: t0 - 3600, port: nil)
        let id = try #require(
            accepted(
                try await store.importReferrals(
                    [submission("LEAD", source: .p2p, facts: [.distribution], research: ResearchInputs(ips: [ip]))], sources: sources, now: t0)[0]))
        let persons = (0..<20).map { PersonIdentity(name: "Person Example\($0)", dateOfBirth: "1980-01-0\($0 % 9 + 1)") }
        let lease = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0, leaseDuration: 30).first)
        #expect(try await store.completeCheck(lease, findings: CheckFindings(persons: persons, summary: "subscriber"), sources: sources, now: t0 + 1))
        let checks = try await store.checks(of: id)
        #expect(checks.count == 10, "60 person checks were planned; the case keeps its limit of 10")
        #expect(checks[0].summary == "subscriber; 51 further check(s) not planned: the case has its limit of 10")
        let assessment = try #require(try await store.caseDetail(id, asOf: t0 + 1).assessments.last)
        #expect(
            assessment.pendingChecks == assessment.pendingChecks.sorted() && Set(assessment.pendingChecks).count == assessment.pendingChecks.count,
            "each outstanding source once: \(assessment.pendingChecks)")
        #expect(Set(assessment.pendingChecks).isSubset(of: ["pnc", "visor", "employment"]))
    }
}
