import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// Check leasing, fencing and recording, for every `Store`.
@Suite("Store conformance: checks")
struct CheckConformanceTests {
    let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
    let ip = IPObservation(ipAddress: "198.51.100.77", at: t0 - 3600, port: 51413)

    /// Runs `body` with a fresh store of `kind` holding a P2P-like case with an IP to research.
    func withResearchCase(_ kind: StoreKind, _ body: (any Store, CaseID) async throws -> Void) async throws {
        try await kind.withStore { store in
            let outcome = try await store.importReferrals(
                [submission("LEAD", source: .p2p, facts: [.distribution], research: ResearchInputs(ips: [ip]))], sources: sources, now: t0)
            try await body(store, try #require(accepted(outcome[0])))
        }
    }

    @Test("intake plans the checks its inputs allow and grades provisionally", arguments: StoreKind.allCases)
    func planning(kind: StoreKind) async throws {
        try await withResearchCase(kind) { store, id in
            let checks = try await store.checks(of: id)
            #expect(checks.map(\.source) == ["subscriber"])
            #expect(checks[0].state == .pending && checks[0].attempts == 0)
            let detail = try await store.caseDetail(id, asOf: t0)
            #expect(detail.summary.grade == .medium && detail.summary.provisional)
            #expect(detail.assessments.last?.pendingChecks == ["subscriber"])
            #expect(try await store.researchState() == ResearchState(pending: 1, running: 0, nextDueAt: t0))
        }
    }

    @Test(
        "a case never gets the same check twice: not from a referral joining it, not from a second answer naming the same address",
        arguments: StoreKind.allCases)
    func noRepeatedChecks(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let key = LinkKey.espAccount(service: "Example Chat", userId: "u1")!
            let otherIP = IPObservation(ipAddress: "203.0.113.9", at: t0 - 60, port: nil)
            let first = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("A", source: .p2p, links: [key], research: ResearchInputs(ips: [ip]))], sources: sources, now: t0)[0]))
            let second = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("B", source: .p2p, links: [key], research: ResearchInputs(ips: [ip, otherIP]))], sources: sources, now: t0 + 1)[0]
                ))
            #expect(second == first)
            #expect(try await store.checks(of: first).map(\.source) == ["subscriber", "subscriber"])
            #expect(try await store.researchState().pending == 2)

            let address = PostalAddress(line1: "1 Example Row", town: "Bristol", postcode: "BS0 0XA", addressType: .installation)
            for lease in try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 2, leaseDuration: 30) {
                #expect(try await store.completeCheck(lease, findings: CheckFindings(address: address), sources: sources, now: t0 + 3))
            }
            let pending = try await store.checks(of: first).filter { $0.state == .pending }.map(\.source)
            #expect(pending.sorted() == Set(pending).sorted(), "each follow-on check once, though both answers named the address")
            #expect(pending.contains("social-care"))
            #expect(try await store.researchState().pending == pending.count)
        }
    }

    @Test(
        "an attempt handed back unsent is pending again at once, its number spent, with one more attempt allowed",
        arguments: StoreKind.allCases)
    func unsentAttempt(kind: StoreKind) async throws {
        try await withResearchCase(kind) { store, id in
            let first = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0, leaseDuration: 30).first)
            #expect(try await store.recordAnswers([CheckAnswer(lease: first, outcome: .unsent)], sources: sources, now: t0 + 1) == [true])
            let check = try #require(try await store.checks(of: id).first)
            #expect(check.state == .pending && check.attempts == 1)
            #expect(try await store.researchState() == ResearchState(pending: 1, running: 0, nextDueAt: t0 + 1))
            let second = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 1, leaseDuration: 30).first)
            #expect(second.attempt == 2 && second.maxAttempts == first.maxAttempts + 1, "the unsent attempt did not use up the check")
            #expect(
                try await store.completeCheck(first, findings: CheckFindings(), sources: sources, now: t0 + 2) == false,
                "a late answer under the handed-back attempt is fenced off")
        }
    }

    @Test(
        "a leased check is not leased again until its lease expires; then the late attempt is fenced off",
        arguments: StoreKind.allCases)
    func leasesAndFencing(kind: StoreKind) async throws {
        try await withResearchCase(kind) { store, id in
            let first = try #require(try await store.leaseChecks(owner: "a", limit: 10, now: t0, leaseDuration: 30).first)
            #expect(first.attempt == 1 && first.caseId == id)
            #expect(try await store.leaseChecks(owner: "b", limit: 10, now: t0 + 29, leaseDuration: 30).isEmpty)
            let second = try #require(try await store.leaseChecks(owner: "b", limit: 10, now: t0 + 31, leaseDuration: 30).first)
            #expect(second.checkId == first.checkId && second.attempt == 2)

            let findings = CheckFindings(observations: [
                FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("subscriber"), at: t0)
            ])
            #expect(try await store.completeCheck(first, findings: findings, sources: sources, now: t0 + 32) == false)
            #expect(try await store.failCheck(first, error: "late", retryAt: nil, now: t0 + 32) == false)
            #expect(try await store.caseDetail(id, asOf: t0).facts.first { $0.fact == .sexualOffenceHistory }?.value == .unknown)
            #expect(try await store.completeCheck(second, findings: CheckFindings(), sources: sources, now: t0 + 33))
            #expect(try await store.checks(of: id).map(\.state) == [.done])
        }
    }

    @Test(
        "an answer records facts with provenance, unlocks follow-on checks, re-grades and raises the flag it reveals",
        arguments: StoreKind.allCases)
    func dataflow(kind: StoreKind) async throws {
        try await withResearchCase(kind) { store, id in
            let subscriber = try #require(try await store.leaseChecks(owner: "w", limit: 10, now: t0, leaseDuration: 30).first)
            let address = PostalAddress(line1: "1 Example Row", town: "Bristol", postcode: "BS0 0XA", addressType: .installation)
            #expect(
                try await store.completeCheck(
                    subscriber,
                    findings: CheckFindings(
                        address: address, persons: [PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05")]), sources: sources, now: t0 + 1))
            let planned = try await store.checks(of: id).filter { $0.state == .pending }.map(\.source)
            #expect(Set(planned) == ["occupants", "social-care", "local-records", "pnc", "visor", "employment"])

            let leases = try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 2, leaseDuration: 30)
            let socialCare = try #require(leases.first { $0.source == "social-care" })
            #expect(
                try await store.completeCheck(
                    socialCare,
                    findings: CheckFindings(
                        observations: [FactObservation(fact: .childAccessHousehold, value: true, provenance: .check("social-care"), at: t0 + 3)],
                        children: [Child(age: 7, relation: .household, provenance: .check("social-care"))]), sources: sources, now: t0 + 3))
            var detail = try await store.caseDetail(id, asOf: t0 + 3)
            #expect(detail.summary.grade == .high && detail.summary.provisional)
            #expect(detail.summary.youngestChildAge == 7 && detail.summary.childAccess == .yes)
            #expect(detail.summary.flags.map(\.raisedBy) == [.check("social-care")])

            for lease in leases where lease.source != "social-care" {
                let findings =
                    lease.source == "visor"
                    ? CheckFindings(observations: [FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("visor"), at: t0 + 4)]
                    )
                    : CheckFindings()
                #expect(try await store.completeCheck(lease, findings: findings, sources: sources, now: t0 + 4))
            }
            detail = try await store.caseDetail(id, asOf: t0 + 4)
            #expect(detail.summary.grade == .veryHigh && !detail.summary.provisional)
            #expect(detail.checks.allSatisfy { $0.state == .done })
            #expect(detail.assessments.first?.grade == .medium && detail.assessments.count == 1 + detail.checks.count)
            #expect(try await store.researchState().isIdle)
        }
    }

    @Test(
        "failures retry at the given time, then fail; a failed check leaves research incomplete and the grade provisional; retry re-opens it",
        arguments: StoreKind.allCases)
    func failuresAndRetry(kind: StoreKind) async throws {
        try await withResearchCase(kind) { store, id in
            let first = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0, leaseDuration: 30).first)
            #expect(try await store.failCheck(first, error: "HTTP 500", retryAt: t0 + 10, now: t0 + 1))
            #expect(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 5, leaseDuration: 30).isEmpty)
            #expect(try await store.researchState().nextDueAt == t0 + 10)
            let failing = try await store.supervisorOverview(asOf: t0 + 5, limit: 10).failingSources
            #expect(
                failing == [SourceTrouble(source: first.source, retrying: 1, lastError: "HTTP 500", nextAttemptAt: t0 + 10)],
                "the source is failing now")
            let second = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 10, leaseDuration: 30).first)
            #expect(second.attempt == 2)
            #expect(try await store.failCheck(second, error: "HTTP 500 again", retryAt: nil, now: t0 + 11))
            let failed = try #require(try await store.checks(of: id).first)
            #expect(failed.state == .failed && failed.lastError == "HTTP 500 again" && failed.attempts == 2)
            let incomplete = try await store.caseDetail(id, asOf: t0 + 11).summary
            #expect(incomplete.provisional && incomplete.researchFailed == [failed.source], "research that failed is not research done")
            #expect(try await store.backlog(asOf: t0 + 11, limit: nil).first { $0.caseId == id }?.researchFailed == [failed.source])
            let overview = try await store.supervisorOverview(asOf: t0 + 11, limit: 10)
            #expect(overview.failingSources.isEmpty, "a check that failed for good no longer waits to retry")
            #expect(overview.oldest.first { $0.caseId == id }?.researchIncomplete == true)

            let reopened = try await store.retryCheck(failed.id, by: AuditActor(name: "test", remote: "test"), now: t0 + 20)
            #expect(reopened.state == .pending)
            let reopenedCase = try await store.caseDetail(id, asOf: t0 + 20).summary
            #expect(reopenedCase.provisional && reopenedCase.researchFailed.isEmpty, "pending again, no longer failed")
            #expect(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 20, leaseDuration: 30).first?.attempt == 3)
            await #expect(throws: StoreError.self) {
                try await store.retryCheck(failed.id, by: AuditActor(name: "test", remote: "test"), now: t0 + 21)
            }
            await #expect(throws: StoreError.self) { try await store.retryCheck(999_999, by: AuditActor(name: "test", remote: "test"), now: t0 + 21) }
        }
    }

    @Test("research goes to the riskiest cases first; expired leases are taken over before new work", arguments: StoreKind.allCases)
    func riskOrder(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let research = ResearchInputs(ips: [ip])
            let low = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("OLD-LOW", received: t0 - 3600, research: research)], sources: sources, now: t0)[0]))
            let veryHigh = try #require(
                accepted(
                    try await store.importReferrals(
                        [submission("NEW-CAR", received: t0, facts: [.imminentDanger], research: research)], sources: sources, now: t0 + 60)[0]))
            let first = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 120, leaseDuration: 30).first)
            #expect(first.caseId == veryHigh, "the Very High case's check goes first although it was planned later")
            let second = try #require(try await store.leaseChecks(owner: "w", limit: 1, now: t0 + 121, leaseDuration: 30).first)
            #expect(second.caseId == low)
            let takeover = try await store.leaseChecks(owner: "v", limit: 2, now: t0 + 151, leaseDuration: 30)
            #expect(takeover.map(\.checkId) == [first.checkId], "only the expired lease is runnable")
        }
    }

    @Test(
        "answers recorded together land as one by one would: findings, a retry, a final failure, and a stale lease discarded",
        arguments: StoreKind.allCases)
    func recordAnswersTogether(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let leads = (1...3).map { index in
                submission(
                    "LEAD-\(index)", source: .p2p, facts: [.distribution],
                    research: ResearchInputs(ips: [IPObservation(ipAddress: "198.51.100.\(index)", at: t0 - 60, port: nil)]))
            }
            let ids = try await store.importReferrals(leads, sources: sources, now: t0).compactMap(accepted)
            let leases = try await store.leaseChecks(owner: "w", limit: 10, now: t0, leaseDuration: 30).sorted {
                $0.caseId.rawValue < $1.caseId.rawValue
            }
            #expect(leases.map(\.caseId) == ids)
            var stale = leases[2]
            stale.attempt = 7
            let findings = CheckFindings(observations: [
                FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .check("subscriber"), at: t0)
            ])
            let recorded = try await store.recordAnswers(
                [
                    CheckAnswer(lease: leases[0], outcome: .answered(findings)),
                    CheckAnswer(lease: leases[1], outcome: .failed(error: "timeout", retryAt: t0 + 60)),
                    CheckAnswer(lease: stale, outcome: .failed(error: "late", retryAt: nil)),
                ], sources: sources, now: t0 + 1)
            #expect(recorded == [true, true, false])
            #expect(try await store.checks(of: ids[0]).map(\.state) == [.done])
            #expect(try await store.caseDetail(ids[0], asOf: t0 + 1).summary.grade == .high, "the answer's offence history re-grades it at once")
            let retried = try await store.checks(of: ids[1])
            #expect(retried.map(\.state) == [.pending] && retried[0].lastError == "timeout")
            #expect(try await store.checks(of: ids[2]).map(\.state) == [.running], "the stale answer changed nothing")
            #expect(
                try await store.recordAnswers(
                    [CheckAnswer(lease: leases[2], outcome: .failed(error: "gone", retryAt: nil))],
                    sources: sources, now: t0 + 2) == [true])
            #expect(try await store.checks(of: ids[2]).map(\.state) == [.failed])
            #expect(try await store.leaseChecks(owner: "w", limit: 10, now: t0 + 60, leaseDuration: 30).map(\.caseId) == [ids[1]])
        }
    }

    @Test("a lease that expires on the last attempt fails the check instead of running it again", arguments: StoreKind.allCases)
    func exhaustedLease(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var once = sources
            once[0].maxAttempts = 1
            once[0].slowRetries = 0
            let outcome = try await store.importReferrals(
                [submission("LEAD", source: .p2p, facts: [.distribution], research: ResearchInputs(ips: [ip]))], sources: once, now: t0)
            let id = try #require(accepted(outcome[0]))
            _ = try await store.leaseChecks(owner: "dead", limit: 1, now: t0, leaseDuration: 5)
            #expect(try await store.leaseChecks(owner: "alive", limit: 1, now: t0 + 6, leaseDuration: 5).isEmpty)
            let check = try #require(try await store.checks(of: id).first)
            #expect(check.state == .failed && check.lastError?.contains("lease expired") == true)
            #expect(try await store.caseDetail(id, asOf: t0 + 6).summary.researchFailed == [check.source], "research incomplete")
        }
    }
}
