#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import ServiceLifecycle
public import VigilCore

/// Vigil's storage: the contract every implementation keeps (`MemoryStore` is its reference; the
/// conformance suite runs against each). Every method is one atomic unit of work, safe to call from several
/// processes (and, for a networked implementation, several machines) at once; callers pass the time so that
/// no implementation reads a clock. Domain decisions (which case a referral joins, grades, flags,
/// promotion instants, check transitions) come from VigilCore's planners; a store loads what they ask
/// about and writes what they return. Every implementation enforces these invariants itself:
/// - at most one open case per link key joins a referral (the oldest, by `IntakePlanner`), and a referral's
///   identity `(source, ref)` is stored once;
/// - one check per case, source and query, and no case holds more checks than its limit;
/// - a claim is never shared: two callers of `claimNext` never receive the same case;
/// - a check's answer is recorded only against its running attempt (fencing on the attempt number);
/// - every change a person makes writes its audit entry in the same transaction as the change;
/// - every alert an evaluation calls for is written in the transaction that records the evaluation, once
///   per `alertId`.
///
/// A store is a `Service`: a process runs it in its `ServiceGroup` before the services that use it, and
/// its `run()` owns what the store needs while the process lives (a connection pool, shutdown upkeep).
public protocol Store: Service, CheckStore, UserStore, AuditStore, ReportStore, AlertStore, IntegrityStore {
    /// The response-time targets the store grades and ages cases with.
    var targets: ActionTargets { get }

    /// Stores referrals planned at `now` with this store's `targets`: each is accepted, a duplicate or a
    /// conflict on its own; a failing record never loses a good one. Accepted referrals are linked, graded
    /// and flagged, and their planned checks created, in the same transaction.
    func importReferrals(_ referrals: [PlannedReferral], now: Date) async throws -> [ImportOutcome]

    /// Claims the first open, unclaimed case of the backlog order for `officer`; nil when none is left.
    /// Two callers never receive the same case. Every change to a case below writes its audit entry, by
    /// `actor`, in the same transaction as the change.
    func claimNext(by officer: AuditActor, now: Date) async throws -> BacklogEntry?

    /// Returns a claimed case to the backlog.
    func release(_ id: CaseID, by actor: AuditActor, now: Date) async throws

    /// Open cases: unclaimed in backlog order at `asOf`, then claimed ones; positions numbered from 1.
    /// `offset` skips that many cases of the order (for pages); `limit` nil means all the rest.
    func backlog(asOf: Date, offset: Int, limit: Int?) async throws -> [BacklogEntry]

    /// Counts over the open backlog at `asOf` (computed by the database, cheap at any size).
    func backlogStatistics(asOf: Date) async throws -> BacklogStatistics

    /// Everything known about a case, with due and overdue judged at `asOf`.
    func caseDetail(_ id: CaseID, asOf: Date) async throws -> CaseDetail

    /// Records that social care or the LADO was told: an open or deferred flag becomes notified. `flag`
    /// names the call as `FlagLifecycle.choose` reads it: its kind, and its household or subject when the
    /// case has several calls of that kind.
    func recordNotification(
        _ id: CaseID, flag: FlagKey, by officer: AuditActor, method: String, reference: String,
        at: Date) async throws

    /// Records a supervisor's decision to defer an open call until `reviewBy` (in the future); once that
    /// passes the flag is open again, overdue from the review time (`FlagLifecycle`).
    func recordDeferral(
        _ id: CaseID, flag: FlagKey, by officer: AuditActor, reason: String, reviewBy: Date,
        at: Date) async throws

    /// Records a supervisor's withdrawal of an open or deferred call, with the reason.
    func withdrawFlag(_ id: CaseID, flag: FlagKey, reason: String, by officer: AuditActor, at: Date) async throws

    /// Records an officer's finding on an open case: its facts and children are added with their officer
    /// provenance and the case is re-graded at once, raising what the new grade calls for.
    func recordFinding(_ id: CaseID, _ finding: OfficerFinding, by officer: AuditActor, at: Date) async throws

    /// Records a strategy discussion held about a case (open or closed).
    func recordStrategyDiscussion(_ id: CaseID, _ discussion: StrategyDiscussion, by officer: AuditActor, at: Date) async throws

    /// Records an investigator's or supervisor's decision on a case (e.g. `visit`, `warrant`) with its rationale.
    func recordDecision(_ id: CaseID, decision: String, rationale: String, by officer: AuditActor, at: Date) async throws

    /// Closes a case with its outcome; it leaves the backlog. A case with calls still to make (open or
    /// deferred flags) closes only with `overrideReason` (`ClosingRules`; whether the closer may override is
    /// the caller's rule), which is recorded, and its calls stay listed until made or withdrawn.
    func close(_ id: CaseID, outcome: CaseOutcome, overrideReason: String?, by officer: AuditActor, at: Date) async throws

    /// Restores a closed case to the backlog, unclaimed and graded again, with the reason.
    func reopen(_ id: CaseID, reason: String, by officer: AuditActor, at: Date) async throws
}

extension Store {
    /// Plans each submission's checks from `sources` and grades it at `now`, then stores them as `importReferrals(_:now:)` does.
    public func importReferrals(
        _ submissions: [ReferralSubmission], sources: [IntelSourceSpec], now: Date
    ) async throws
        -> [ImportOutcome]
    {
        try await importReferrals(submissions.map { PlannedReferral($0, sources: sources, targets: targets, now: now) }, now: now)
    }

    /// The first `limit` open cases of the order (all of them when nil).
    public func backlog(asOf: Date, limit: Int?) async throws -> [BacklogEntry] {
        try await backlog(asOf: asOf, offset: 0, limit: limit)
    }
}

/// Upkeep that bulk imports leave behind and that need not hold up their writes: a capability some stores
/// offer (SQLite: copying the pages earlier chunks committed from the WAL into the database file), which the
/// import pipeline discovers and calls between its writes.
public protocol WriteUpkeep: Sendable {
    /// Does the upkeep off the writer. Never fails: what it cannot do now, a later call or the store does.
    func catchUpAfterWrites() async
}
