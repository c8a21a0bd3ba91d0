#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// The supervisor's reads and actions every `Store` offers: the dashboard, filtered lists, daily
/// snapshots for trends, and reassignment.
public protocol ReportStore: Sendable {
    /// Every dashboard figure at `asOf`, read at once; lists hold at most `limit` lines (held cases: all).
    func supervisorOverview(asOf: Date, limit: Int) async throws -> SupervisorOverview

    /// The aged-backlog matrix at `asOf`.
    func agedBacklog(asOf: Date) async throws -> AgedBacklog

    /// Every call to make at `asOf` (open flags, and deferred ones past their review, on open cases and on
    /// closed ones), in `CallOrder`.
    func openCalls(asOf: Date) async throws -> [OpenFlagLine]

    /// A page of open cases matching `filter`, longest waiting first, with the number matching.
    func caseLines(_ filter: CaseFilter, asOf: Date, offset: Int, limit: Int) async throws -> CaseLinePage

    /// Records today's snapshot (as of `now`) and rebuilds missing earlier days, `maxDays` back at most.
    func recordDailySnapshots(now: Date, maxDays: Int) async throws

    /// Snapshots from the day `since` (`YYYY-MM-DD`) on, oldest first.
    func dailySnapshots(since: String) async throws -> [DailySnapshot]

    /// Hands an open case to `officer`, ending the current holder's claim.
    func reassign(_ id: CaseID, to officer: String, by actor: AuditActor, at: Date) async throws
}
