public import Foundation

/// How often one client address may fail to sign in to the dashboard: at most `limit` failures within
/// `window`; past that its attempts are refused, unchecked, until its oldest failure leaves the window. A
/// pure state machine: every decision takes the instant it is made at.
public struct SignInThrottle: Sendable {
    /// Failures an address may have within `window` before it is refused.
    public var limit: Int
    /// How long a failure counts.
    public var window: TimeInterval
    /// Addresses remembered at most; past this, addresses whose failures have all left the window are
    /// forgotten, so a flood of addresses cannot grow the table without bound.
    public var maxAddresses: Int
    private var failures: [String: [Date]] = [:]

    /// A throttle allowing `limit` failures per `window` seconds and address.
    public init(limit: Int = 5, window: TimeInterval = 900, maxAddresses: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.maxAddresses = maxAddresses
    }

    /// Nil when `address` may try to sign in at `now`; otherwise the instant it may try again.
    public func retryAt(for address: String, now: Date) -> Date? {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return oldest.addingTimeInterval(window)
    }

    /// Counts a failed sign-in from `address` at `now`.
    public mutating func recordFailure(from address: String, now: Date) {
        if failures[address] == nil, failures.count >= maxAddresses {
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        }
        var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        failures[address] = Array(recent.suffix(limit))
    }

    /// Forgets `address`'s failures once it has signed in.
    public mutating func recordSuccess(from address: String) {
        failures[address] = nil
    }
}

/// The server's sign-in throttle, shared by its requests.
public actor SignInAttempts {
    private var throttle: SignInThrottle

    /// Attempts judged by `throttle`.
    public init(_ throttle: SignInThrottle = SignInThrottle()) {
        self.throttle = throttle
    }

    /// Nil when `address` may try at `now`; otherwise when it may try again.
    func retryAt(for address: String, now: Date) -> Date? { throttle.retryAt(for: address, now: now) }

    /// Counts a failure.
    func recordFailure(from address: String, now: Date) { throttle.recordFailure(from: address, now: now) }

    /// Forgets an address's failures.
    func recordSuccess(from address: String) { throttle.recordSuccess(from: address) }
}
