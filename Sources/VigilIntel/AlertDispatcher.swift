public import Foundation
public import Logging
public import ServiceLifecycle
import VigilCore
public import VigilStore

/// Delivers the store's alert outbox: every few moments it writes the alerts that time calls for (flags
/// overdue, deferrals past review), leases the pending alerts that are due and `POST`s each, as JSON, to
/// every webhook through the CurlEngine. An alert is delivered when every webhook answers 2xx; otherwise it
/// is retried with backoff and jitter, and fails after `maxAttempts`. A crash between commit and delivery
/// loses nothing: the alert stays pending, and a lease that outlived its process expires and is taken
/// again, so delivery is at least once and a receiver drops repeats by `alertId`. Without webhooks it only
/// sweeps, so time-driven alerts are still written and shown, pending. A `Service`.
public struct AlertDispatcher: Service {
    /// Settings of a dispatcher.
    public struct Configuration: Sendable {
        /// The webhooks every alert goes to.
        public var urls: [String]
        /// How often to look for due alerts when none were found.
        public var pollInterval: Duration
        /// How often to write the alerts that time calls for.
        public var sweepInterval: Duration
        /// Alerts leased at once.
        public var batch: Int
        /// Time allowed to connect, and for the whole request, milliseconds.
        public var connectTimeoutMs: Int
        /// Time allowed for one request, milliseconds.
        public var timeoutMs: Int
        /// Attempts before an alert fails.
        public var maxAttempts: Int
        /// First retry delay, milliseconds; it doubles each attempt up to `backoffMaxMs`.
        public var backoffBaseMs: Int
        /// Longest retry delay, milliseconds.
        public var backoffMaxMs: Int

        /// Creates a configuration: 100 ms polls, a 5-second sweep, 20 attempts from 1 s to 5 min apart.
        public init(
            urls: [String], pollInterval: Duration = .milliseconds(100), sweepInterval: Duration = .seconds(5), batch: Int = 64,
            connectTimeoutMs: Int = 2000, timeoutMs: Int = 5000, maxAttempts: Int = 20, backoffBaseMs: Int = 1000,
            backoffMaxMs: Int = 300_000
        ) {
            self.urls = urls
            self.pollInterval = pollInterval
            self.sweepInterval = sweepInterval
            self.batch = batch
            self.connectTimeoutMs = connectTimeoutMs
            self.timeoutMs = timeoutMs
            self.maxAttempts = maxAttempts
            self.backoffBaseMs = backoffBaseMs
            self.backoffMaxMs = backoffMaxMs
        }

        /// How long a lease lasts: one request to every webhook, and a margin.
        var leaseDuration: TimeInterval { Double((connectTimeoutMs + timeoutMs) * max(urls.count, 1) + 2000) / 1000 }
    }

    private let store: any Store
    private let engine: CurlEngine
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let jitter: @Sendable () -> Double
    private let logger: Logger

    /// Creates a dispatcher; `now` and `jitter` are injected so that time and randomness stay at the edge.
    public init(
        store: any Store, engine: CurlEngine, configuration: Configuration, now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger = Logger(label: "vigil.alerts")
    ) {
        self.store = store
        self.engine = engine
        self.configuration = configuration
        self.now = now
        self.jitter = jitter
        self.logger = logger
    }

    /// Sweeps, leases and delivers until graceful shutdown; a failing store call is logged and tried again
    /// at the next poll.
    public func run() async throws {
        var lastSweep: Date?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var leased = 0
            do {
                if lastSweep.map({ now().timeIntervalSince($0) >= configuration.sweepInterval.seconds }) ?? true {
                    lastSweep = now()
                    let raised = try await store.raiseTimedAlerts(now: lastSweep!)
                    if raised > 0 { logger.info("\(raised) alert(s) for overdue flags or passed reviews") }
                }
                guard !configuration.urls.isEmpty else {
                    await sleep(configuration.sweepInterval)
                    continue
                }
                let moment = now()
                let leases = try await store.leaseAlerts(
                    now: moment, until: moment.addingTimeInterval(configuration.leaseDuration), limit: configuration.batch)
                leased = leases.count
                await withTaskGroup(of: Void.self) { group in
                    for lease in leases { group.addTask { await deliver(lease) } }
                }
            } catch {
                logger.error("alert delivery: \(error)")
            }
            if leased == 0 { await sleep(configuration.pollInterval) }
        }
    }

    /// Sleeps for `interval`, or until graceful shutdown or cancellation.
    private func sleep(_ interval: Duration) async {
        await cancelWhenGracefulShutdown { try? await Task.sleep(for: interval) }
    }

    /// One attempt: the alert to every webhook, then its outcome recorded against the lease.
    func deliver(_ lease: AlertLease) async {
        let body = (try? VigilJSON.encoder.encode(lease.alert)).map(Array.init) ?? []
        var failures: [String] = []
        for url in configuration.urls {
            let request = CurlRequest.postJSON(
                url: url, body: body, connectTimeoutMs: configuration.connectTimeoutMs, timeoutMs: configuration.timeoutMs)
            do {
                let response = try await engine.perform(request)
                if !(200..<300).contains(response.status) { failures.append("\(url) answered HTTP \(response.status)") }
            } catch {
                failures.append("\(url): \(error)")
            }
        }
        let outcome: AlertAttemptOutcome
        if failures.isEmpty {
            outcome = .delivered
        } else {
            let error = failures.joined(separator: "; ")
            switch RetryPolicy.decide(
                attempt: lease.attempt, maxAttempts: configuration.maxAttempts, baseMs: configuration.backoffBaseMs,
                maxMs: configuration.backoffMaxMs, jitter: jitter())
            {
            case .retry(let afterMs): outcome = .retry(at: now().addingTimeInterval(Double(afterMs) / 1000), error: error)
            case .giveUp: outcome = .failed(error: error)
            }
            logger.warning("alert \(lease.alert.alertId) attempt \(lease.attempt) failed: \(error)")
        }
        do {
            if try await !store.recordAlertAttempt(lease, outcome: outcome, at: now()) {
                logger.warning("alert \(lease.alert.alertId) attempt \(lease.attempt) was overtaken; its outcome is discarded")
            }
        } catch {
            logger.error("cannot record alert \(lease.alert.alertId) attempt \(lease.attempt): \(String(reflecting: error))")
        }
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
