#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// One leased attempt of a check. `attempt` is the fencing token: a report about the check is accepted
/// only while the row is still at this attempt and running, so an attempt whose lease expired (its
/// worker died or stalled) can never overwrite a later one.
public struct CheckLease: Sendable, Hashable {
    /// The check.
    public var checkId: Int64
    /// Its case.
    public var caseId: CaseID
    /// The source to ask.
    public var source: String
    /// The query, as FORMATS.md §4 JSON text.
    public var query: String
    /// This attempt's number (1-based), the fencing token.
    public var attempt: Int
    /// Attempts allowed before the check fails.
    public var maxAttempts: Int

    /// Creates a lease.
    public init(checkId: Int64, caseId: CaseID, source: String, query: String, attempt: Int, maxAttempts: Int) {
        self.checkId = checkId
        self.caseId = caseId
        self.source = source
        self.query = query
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }
}

/// How much research is outstanding.
public struct ResearchState: Sendable, Hashable {
    /// Checks waiting to run (now or at a later retry time).
    public var pending: Int
    /// Checks leased and under way.
    public var running: Int
    /// The earliest time a pending check may start, nil when none is pending.
    public var nextDueAt: Date?

    /// Creates a research state.
    public init(pending: Int, running: Int, nextDueAt: Date?) {
        self.pending = pending
        self.running = running
        self.nextDueAt = nextDueAt
    }

    /// True when no check is pending or running.
    public var isIdle: Bool { pending == 0 && running == 0 }

    /// How far ahead a pending check may be due and research still count as settled: longer than any
    /// quick retry, shorter than a slow one.
    public static let settledHorizon: TimeInterval = 300

    /// True at `now` when no check is running and none is due within `settledHorizon`: what is left waits
    /// for a slow retry (`vigil work --until-idle` returns; its cases stay provisional).
    public func isSettled(at now: Date) -> Bool {
        running == 0 && (pending == 0 || (nextDueAt.map { $0 > now + Self.settledHorizon } ?? true))
    }
}

/// One attempt's outcome, ready to be recorded against its lease.
public struct CheckAnswer: Sendable {
    /// The lease the attempt ran under.
    public var lease: CheckLease
    /// What it came to.
    public var outcome: CheckOutcome

    /// Creates an answer.
    public init(lease: CheckLease, outcome: CheckOutcome) {
        self.lease = lease
        self.outcome = outcome
    }
}

/// Research operations every `Store` offers: checks are durable rows that workers lease.
public protocol CheckStore: Sendable {
    /// Leases up to `limit` runnable checks for `owner` until `now + leaseDuration`: running checks whose
    /// lease has expired (their worker died) first, then pending checks whose time has come, riskiest case
    /// first (the backlog order). Each lease counts as an attempt; a check whose expired lease was its last
    /// attempt is failed instead.
    func leaseChecks(owner: String, limit: Int, now: Date, leaseDuration: TimeInterval) async throws -> [CheckLease]

    /// Records a check's findings (facts with provenance, children, links, follow-on checks planned from
    /// `sources`) and re-assesses the case. Returns false, changing nothing, if the lease is stale.
    func completeCheck(_ lease: CheckLease, findings: CheckFindings, sources: [IntelSourceSpec], now: Date) async throws -> Bool

    /// Records a failed attempt: pending again at `retryAt`, or `failed` when nil. Re-assesses the case.
    /// Returns false, changing nothing, if the lease is stale.
    func failCheck(_ lease: CheckLease, error: String, retryAt: Date?, now: Date) async throws -> Bool

    /// Records several attempts in one transaction, in order, each as `completeCheck` or `failCheck` would:
    /// answers that arrive together then take the store's writer once. Returns, for each, false if its
    /// lease was stale (that answer changed nothing).
    func recordAnswers(_ answers: [CheckAnswer], sources: [IntelSourceSpec], now: Date) async throws -> [Bool]

    /// A case's checks, oldest first.
    func checks(of id: CaseID) async throws -> [CheckRecord]

    /// Makes a failed check pending again with one more attempt allowed; audited by `actor` in the same
    /// transaction.
    func retryCheck(_ checkId: Int64, by actor: AuditActor, now: Date) async throws -> CheckRecord

    /// How much research is outstanding.
    func researchState() async throws -> ResearchState
}
