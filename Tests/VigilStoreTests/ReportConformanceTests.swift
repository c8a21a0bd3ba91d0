import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

/// The supervisor's reports, held to the backlog listing they summarise.
@Suite("Report conformance")
struct ReportConformanceTests {
    /// Twelve cases of every grade spread over two years of waiting, some held, one closed.
    private func withSeeded(_ kind: StoreKind, _ body: (any Store, Date) async throws -> Void) async throws {
        try await kind.withStore { store in
            let now = t0 + 800 * day
            let waits: [TimeInterval] = [0.5, 2, 8, 20, 40, 100, 400, 800, 3, 10, 35, 0.2]
            let facts: [[FactKind]] = [
                [.imminentDanger], [.childAccessHousehold], [.distribution], [], [.sexualOffenceHistory],
                [.contactAbuseIndicators], [], [.otherRiskFactors], [.childAccessOther], [], [.distribution], [],
            ]
            let submissions = waits.indices.map { index in
                submission("R\(index)", received: now - waits[index] * day, facts: facts[index])
            }
            let ids = try await store.importReferrals(submissions, sources: [], now: now).compactMap(accepted)
            #expect(ids.count == 12)
            _ = try await store.claimNext(by: AuditActor(name: "dc-a", remote: "test"), now: now)
            _ = try await store.claimNext(by: AuditActor(name: "dc-b", remote: "test"), now: now)
            try await store.close(ids[11], outcome: outcome(), overrideReason: nil, by: AuditActor(name: "sup", remote: "test"), at: now - 0.1 * day)
            try await body(store, now)
        }
    }

    @Test("the aged matrix counts exactly the backlog's cases by effective grade, band and overdue", arguments: StoreKind.allCases)
    func matrixAgreesWithBacklog(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            let aged = try await store.agedBacklog(asOf: now)
            let backlog = try await store.backlog(asOf: now, limit: nil)
            #expect(aged.cells.count == 28)
            #expect(aged.total == backlog.count && aged.total == 11)
            for cell in aged.cells {
                let members = backlog.filter {
                    $0.effectiveGrade == cell.effectiveGrade && WaitingBand(waited: now.timeIntervalSince($0.receivedAt)) == cell.band
                }
                #expect(cell.cases == members.count, "\(cell.effectiveGrade) \(cell.band)")
                #expect(cell.overdue == members.filter(\.overdue).count, "\(cell.effectiveGrade) \(cell.band)")
            }
            #expect(aged.cells.contains { $0.overdue > 0 })
        }
    }

    @Test("filtered lists hold the matrix cell's cases, longest waiting first, paged", arguments: StoreKind.allCases)
    func filteredLists(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            let aged = try await store.agedBacklog(asOf: now)
            for cell in aged.cells where cell.cases > 0 {
                let page = try await store.caseLines(
                    CaseFilter(effectiveGrade: cell.effectiveGrade, band: cell.band), asOf: now, offset: 0, limit: 50)
                #expect(page.total == cell.cases && page.lines.count == cell.cases)
                #expect(page.lines.allSatisfy { $0.effectiveGrade == cell.effectiveGrade })
            }
            let overdue = try await store.caseLines(CaseFilter(overdueOnly: true), asOf: now, offset: 0, limit: 2)
            #expect(overdue.total == aged.cells.reduce(0) { $0 + $1.overdue })
            #expect(overdue.lines.count == 2 && overdue.lines[0].receivedAt <= overdue.lines[1].receivedAt)
            let rest = try await store.caseLines(CaseFilter(overdueOnly: true), asOf: now, offset: 2, limit: 100)
            #expect(rest.lines.count == overdue.total - 2 && Set(rest.lines.map(\.caseId)).isDisjoint(with: overdue.lines.map(\.caseId)))
            let held = try await store.caseLines(CaseFilter(holder: "dc-a"), asOf: now, offset: 0, limit: 10)
            #expect(held.total == 1 && held.lines[0].claimedBy == "dc-a")
        }
    }

    @Test("the overview: oldest first, every overdue Very High and High, holders, flags", arguments: StoreKind.allCases)
    func overview(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            let overview = try await store.supervisorOverview(asOf: now, limit: 3)
            let backlog = try await store.backlog(asOf: now, limit: nil)
            #expect(
                overview.oldest.map(\.caseId)
                    == Array(
                        backlog.sorted { ($0.receivedAt, $0.caseId.rawValue) < ($1.receivedAt, $1.caseId.rawValue) }
                            .prefix(3).map(\.caseId)))
            let urgent = backlog.filter { $0.overdue && $0.grade >= .high }
            #expect(overview.overdueUrgentCount == urgent.count && urgent.count > 0)
            #expect(Set(overview.overdueUrgent.map(\.caseId)).isSubset(of: urgent.map(\.caseId)))
            #expect(overview.held.map(\.claimedBy) == ["dc-a", "dc-b"])
            let flagged = backlog.flatMap { entry in entry.flags.filter { $0.state == .open }.map { (entry.caseId, $0) } }
            #expect(overview.openFlagCount == flagged.count && flagged.count > 0)
        }
    }

    @Test("the overview's calls are the first of all calls in call order at every limit, ties on due time included", arguments: StoreKind.allCases)
    func overviewCallsArePrefix(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            let more = (0..<5).map { submission("T\($0)", received: now - Double($0) * day, facts: [.childAccessHousehold, .imminentDanger]) }
            _ = try await store.importReferrals(more, sources: [], now: now)
            for asOf in [now, now + 2 * day] {
                let calls = try await store.openCalls(asOf: asOf)
                #expect(calls.count >= 3 && Set(calls.map(\.dueAt)).count < calls.count, "some calls share a due time")
                for limit in 0...calls.count + 1 {
                    let overview = try await store.supervisorOverview(asOf: asOf, limit: limit)
                    #expect(overview.openFlagCount == calls.count)
                    #expect(
                        overview.openFlags.map { "\($0.caseId) \($0.kind)" } == calls.prefix(limit).map { "\($0.caseId) \($0.kind)" },
                        "limit \(limit)")
                }
            }
        }
    }

    @Test("reassignment moves the case and ends the old claim", arguments: StoreKind.allCases)
    func reassign(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            let held = try #require(try await store.caseLines(CaseFilter(holder: "dc-a"), asOf: now, offset: 0, limit: 1).lines.first)
            try await store.reassign(held.caseId, to: "dc-c", by: AuditActor(name: "sup", remote: "test"), at: now + 60)
            let detail = try await store.caseDetail(held.caseId, asOf: now + 60)
            #expect(detail.summary.claimedBy == "dc-c")
            #expect(detail.claims.map(\.officer) == ["dc-a", "dc-c"] && detail.claims[0].releasedAt == now + 60)
            await #expect(throws: StoreError.self) {
                try await store.reassign(CaseID(9999), to: "dc-c", by: AuditActor(name: "sup", remote: "test"), at: now)
            }
        }
    }

    @Test("daily snapshots: today live, missed days rebuilt from history with receipts and closures", arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) async throws {
        try await withSeeded(kind) { store, now in
            try await store.recordDailySnapshots(now: now, maxDays: 30)
            let days = try await store.dailySnapshots(since: DayText.format(now - 40 * day))
            #expect(days.count == 31)
            let today = try #require(days.last)
            #expect(today.day == DayText.format(now) && !today.reconstructed && days.dropLast().allSatisfy(\.reconstructed))
            #expect(today.open.values.reduce(0, +) == 11)
            #expect(days.map(\.closed).reduce(0, +) == 1, "the case closed today")
            #expect(days.map(\.referralsIn).reduce(0, +) == 7, "referrals received in the last 31 days")
            let tenDaysAgo = try #require(days.first { $0.day == DayText.format(now - 10 * day) })
            #expect(tenDaysAgo.open.values.reduce(0, +) == 7, "cases received by the end of that day")
            try await store.recordDailySnapshots(now: now + 3600, maxDays: 30)
            #expect(try await store.dailySnapshots(since: "2000-01-01").count == 31, "recording again replaces today only")
        }
    }

    @Test("research counts by source and state follow every check through lease, completion, failure and retry", arguments: StoreKind.allCases)
    func researchCounts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
            let submissions = (0..<6).map { index in
                submission(
                    "IP\(index)", source: .p2p, facts: [.distribution],
                    research: ResearchInputs(ips: [IPObservation(ipAddress: "198.51.100.\(index + 1)", at: t0 - 3600, port: 51413)]))
            }
            let ids = try await store.importReferrals(submissions, sources: sources, now: t0).compactMap(accepted)
            func direct() async throws -> [String: [CheckState: Int]] {
                var counts: [String: [CheckState: Int]] = [:]
                for id in ids { for check in try await store.checks(of: id) { counts[check.source, default: [:]][check.state, default: 0] += 1 } }
                return counts
            }
            #expect(try await store.backlogStatistics(asOf: t0).checks == (try await direct()))
            let leases = try await store.leaseChecks(owner: "w", limit: 5, now: t0, leaseDuration: 60)
            #expect(leases.count == 5)
            #expect(try await store.completeCheck(leases[0], findings: CheckFindings(), sources: sources, now: t0 + 1))
            #expect(try await store.failCheck(leases[1], error: "boom", retryAt: nil, now: t0 + 1))
            #expect(try await store.failCheck(leases[2], error: "later", retryAt: t0 + 30, now: t0 + 1))
            let counted = try await store.backlogStatistics(asOf: t0).checks
            #expect(counted == (try await direct()))
            #expect(counted["subscriber"]?[.running] == 2 && counted["subscriber"]?[.failed] == 1 && counted["subscriber"]?[.done] == 1)
            let overview = try await store.supervisorOverview(asOf: t0, limit: 5)
            #expect(overview.checks["subscriber"]?[.done] == nil, "the dashboard leaves done checks out")
            let failed = try #require(try await store.checks(of: leases[1].caseId).first { $0.state == .failed })
            _ = try await store.retryCheck(failed.id, by: AuditActor(name: "test", remote: "test"), now: t0 + 2)
            #expect(try await store.backlogStatistics(asOf: t0).checks == (try await direct()))
        }
    }
}
