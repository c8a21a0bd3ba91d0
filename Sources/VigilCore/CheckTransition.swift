#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What one attempt of a leased check came to.
public enum CheckOutcome: Sendable {
    /// The source answered with these findings.
    case answered(CheckFindings)
    /// The attempt failed: pending again at `retryAt`, or `failed` for good when nil.
    case failed(error: String, retryAt: Date?)
    /// The request was never sent (the worker stopped first): pending again at once, with one more attempt
    /// allowed, so that the lease does not use up the check's attempts. Its attempt number stays spent, so
    /// fencing still holds.
    case unsent
}

/// A check's row as a store loaded it before changing it.
public struct CheckRow: Sendable, Hashable {
    /// Its state.
    public var state: CheckState
    /// Attempts made (the current attempt number while running).
    public var attempts: Int
    /// Attempts allowed.
    public var maxAttempts: Int

    /// Creates a check row.
    public init(state: CheckState, attempts: Int, maxAttempts: Int) {
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
    }
}

/// One change of a check's row, as a store must write it. Every transition but `lease` ends the running
/// attempt (clears its lease).
public enum CheckTransition: Sendable, Hashable {
    /// Runs the next attempt (`attempts + 1`) under a lease.
    case lease
    /// Answered: `done`, its summary and finish time written, its error cleared.
    case done(summary: String?, finishedAt: Date)
    /// Failed for now: `pending` again at `at`, with the error kept.
    case retry(at: Date, error: String)
    /// Failed for good: `failed`, with its finish time and error.
    case fail(error: String, finishedAt: Date)
    /// Never sent: `pending` again at `at` with one more attempt allowed (`maxAttempts + 1`).
    case handBack(at: Date)
    /// A person re-runs a failed check: `pending` at `at`, allowed one attempt more than it has made
    /// (`maxAttempts = attempts + 1`), its finish time cleared.
    case reopen(at: Date)

    /// The state the check is in afterwards.
    public var state: CheckState {
        switch self {
        case .lease: .running
        case .done: .done
        case .fail: .failed
        case .retry, .handBack, .reopen: .pending
        }
    }

    /// When the check may next run, for a transition that leaves it pending.
    public var pendingFrom: Date? {
        switch self {
        case .retry(let at, _), .handBack(let at), .reopen(let at): at
        case .lease, .done, .fail: nil
        }
    }

    /// Whether the case is graded again: an answer or a failure changes what is known or outstanding; a
    /// lease or a hand-back changes neither.
    public var regradesCase: Bool {
        switch self {
        case .done, .retry, .fail, .reopen: true
        case .lease, .handBack: false
        }
    }
}

/// The rules of a check's life: fencing on the attempt number, retries, hand-backs, expiry and re-runs.
public enum CheckTransitions {
    /// What an attempt's outcome does to `row`, or nil when the report is stale (the row is no longer
    /// running that attempt: its lease expired and another attempt took over, or it already finished).
    public static func record(_ outcome: CheckOutcome, attempt: Int, on row: CheckRow, now: Date) -> CheckTransition? {
        guard row.state == .running, row.attempts == attempt else { return nil }
        switch outcome {
        case .answered(let findings): return .done(summary: findings.summary, finishedAt: now)
        case .failed(let error, let retryAt?): return .retry(at: retryAt, error: error)
        case .failed(let error, nil): return .fail(error: error, finishedAt: now)
        case .unsent: return .handBack(at: now)
        }
    }

    /// What happens to a running check whose lease expired (its worker died or stalled): another attempt
    /// takes it over, unless the expired attempt was its last, which fails it.
    public static func expire(_ row: CheckRow, now: Date) -> CheckTransition {
        row.attempts >= row.maxAttempts ? .fail(error: expiredOnLastAttempt, finishedAt: now) : .lease
    }

    /// The error a check fails with when its last attempt's lease expires.
    public static let expiredOnLastAttempt = "lease expired on the last attempt (worker stopped?)"

    /// A person's re-run of a check: allowed only for a failed one.
    public static func reopen(_ row: CheckRow, checkId: Int64, now: Date) throws(CheckTransitionError) -> CheckTransition {
        guard row.state == .failed else { throw CheckTransitionError("check \(checkId) is \(row.state.rawValue), not failed") }
        return .reopen(at: now)
    }

    /// What an answer of a check of `source` asked with `queryText` adds to its case: facts and children
    /// with the check's provenance, each about the address or person the check asked about (an IP
    /// check's children about the address it resolved), the resolved address with its type, the
    /// installation address's link key, and the checks the answer unlocks.
    public static func additions(of findings: CheckFindings, source: String, queryText: String, sources: [IntelSourceSpec]) -> CaseAdditions {
        let about = CheckQuery.subject(ofQueryText: queryText) ?? findings.address.map(Subject.address)
        return CaseAdditions(
            observations: findings.observations.map { observation in
                var tagged = observation
                tagged.about = observation.about ?? about
                return tagged
            },
            children: findings.children.map { child in
                var tagged = child
                tagged.about = child.about ?? about
                return tagged
            },
            linkKeys: findings.address?.installationLinkKey.map { [$0] } ?? [],
            checks: CheckPlanner.plan(sources: sources, inputs: findings.researchInputs),
            addresses: findings.address.map { [CaseAddress(address: .address($0), type: $0.addressType, provenance: .check(source))] } ?? [])
    }

    /// The answered check's summary, saying how many unlocked checks the case's limit left out.
    public static func summary(_ summary: String?, droppedChecks: Int, maxChecksPerCase: Int) -> String? {
        guard droppedChecks > 0 else { return summary }
        return (summary.map { $0 + "; " } ?? "") + "\(droppedChecks) further check(s) not planned: the case has its limit of \(maxChecksPerCase)"
    }
}

/// A check change the rules refuse, with a sentence for people.
public struct CheckTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
