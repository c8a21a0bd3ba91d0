public import Foundation
public import Logging
public import Metrics
public import ServiceLifecycle
public import VigilCore
public import VigilStore

/// Runs research: leases runnable checks from the store, asks their sources through the CurlEngine
/// (all at once, up to `concurrency`), records every answer (which re-grades the case at once and may
/// unlock further checks), and schedules retries with backoff and jitter. A `Service`.
public struct ResearchWorker: Service {
    /// Settings of a worker.
    public struct Configuration: Sendable {
        /// Checks in flight at once.
        public var concurrency: Int
        /// Return once research is settled: no check running, none due within `ResearchState.settledHorizon`.
        public var untilIdle: Bool
        /// With `untilIdle`, also wait until no alert is due within the same horizon (when this process
        /// delivers alerts, so that the alerts research raised go out before it returns, and an alert
        /// leased by a process that died is taken over once its lease expires).
        public var untilAlertsSettled: Bool
        /// How often to look for new work when there is nothing to wait for.
        public var pollInterval: Duration
        /// This worker's name in leases.
        public var owner: String
        /// Lease nothing until this signal opens (`vigil serve` opens it once it listens); nil starts at once.
        public var startSignal: StartSignal?

        /// Creates a configuration.
        public init(
            concurrency: Int = 64, untilIdle: Bool = false, untilAlertsSettled: Bool = false, pollInterval: Duration = .milliseconds(200),
            owner: String = "worker-\(ProcessInfo.processInfo.processIdentifier)", startSignal: StartSignal? = nil
        ) {
            self.concurrency = concurrency
            self.untilIdle = untilIdle
            self.untilAlertsSettled = untilAlertsSettled
            self.pollInterval = pollInterval
            self.owner = owner
            self.startSignal = startSignal
        }
    }

    private let store: any Store
    private let engine: CurlEngine
    private let sources: [String: IntelSourceSpec]
    private let sourceList: [IntelSourceSpec]
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let jitter: @Sendable () -> Double
    private let logger: Logger
    private let metrics: (any MetricsFactory)?

    /// Creates a worker. `now` and `jitter` are injected so that time and randomness stay at the edge;
    /// with `metrics`, every attempt's latency and every failure is recorded by source.
    public init(
        store: any Store, engine: CurlEngine, sources: [IntelSourceSpec], configuration: Configuration,
        now: @escaping @Sendable () -> Date = { Date() }, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "vigil.research"), metrics: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.engine = engine
        self.sourceList = sources
        self.sources = Dictionary(uniqueKeysWithValues: sources.map { ($0.name, $0) })
        self.configuration = configuration
        self.now = now
        self.jitter = jitter
        self.logger = logger
        self.metrics = metrics
    }

    /// Longest a lease lasts: the slowest source's timeout plus a margin, after which another worker may
    /// take the check over (the first attempt's late report is then fenced off).
    var leaseDuration: TimeInterval {
        Double((sourceList.map { $0.timeoutMs + $0.connectTimeoutMs }.max() ?? 5000) + 2000) / 1000
    }

    /// How many free slots a lease waits for (an eighth of the concurrency): every lease is a write
    /// transaction, and leasing one check each time an answer arrived doubled the research path's writes,
    /// which investigators' claims queue behind.
    var leaseBatch: Int { max(1, configuration.concurrency / 8) }

    private enum Event: Sendable {
        case attemptFinished(CheckAnswer)
        case recorded
        case tick
    }

    /// Leases and runs checks until shutdown (or, with `untilIdle`, until research is settled: nothing
    /// running, nothing due within `ResearchState.settledHorizon`).
    /// Answers are recorded in batches by one write at a time: those that arrive while a batch is being
    /// written go in the next, so research never has more than one transaction queued at the store's
    /// writer ahead of an investigator's claim. A worker holds at most `concurrency` leases, counting the
    /// answers still waiting to be recorded: when recording falls behind, leasing waits, so an answer never
    /// waits so long that its lease expires and another worker runs the check again.
    public func run() async throws {
        if let signal = configuration.startSignal {
            await cancelWhenGracefulShutdown { await signal.wait() }
            guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        }
        try await withThrowingTaskGroup(of: Event.self) { group in
            var inFlight = 0
            var unrecorded: [CheckAnswer] = []
            var recording = 0
            var tickPending = false
            while !Task.isCancelled {
                let stopping = Task.isShuttingDownGracefully
                if recording == 0, !unrecorded.isEmpty {
                    recording = unrecorded.count
                    let batch = unrecorded
                    unrecorded = []
                    group.addTask {
                        await record(batch)
                        return .recorded
                    }
                }
                let held = inFlight + unrecorded.count + recording
                if !stopping, held == 0 || configuration.concurrency - held >= leaseBatch {
                    let leases = try await store.leaseChecks(
                        owner: configuration.owner, limit: configuration.concurrency - held,
                        now: now(), leaseDuration: leaseDuration)
                    for lease in leases {
                        inFlight += 1
                        group.addTask { .attemptFinished(await attempt(lease)) }
                    }
                    if !leases.isEmpty { continue }
                }
                if inFlight == 0, recording == 0 {
                    if stopping { break }
                    if configuration.untilIdle, try await isSettled() { break }
                }
                if !tickPending {
                    tickPending = true
                    let interval = configuration.pollInterval
                    let store = store
                    group.addTask {
                        if let wakeups = store as? any ResearchWakeups {
                            await wakeups.researchMayBeDue(within: interval)
                        } else {
                            try? await Task.sleep(for: interval)
                        }
                        return .tick
                    }
                }
                switch try await group.next() {
                case .attemptFinished(let answer)?:
                    inFlight -= 1
                    unrecorded.append(answer)
                case .recorded?: recording = 0
                case .tick?: tickPending = false
                case nil: break
                }
            }
            group.cancelAll()
        }
    }

    /// True when research is settled at this instant, and alerts too when the configuration waits for them.
    private func isSettled() async throws -> Bool {
        let instant = now()
        guard try await store.researchState().isSettled(at: instant) else { return false }
        guard configuration.untilAlertsSettled, let due = try await store.nextAlertAttempt() else { return true }
        return due > instant + ResearchState.settledHorizon
    }

    /// One attempt of one check: ask the source and say what came of it. An attempt whose worker is stopping
    /// before its request goes out is handed back unsent, so that it does not count against the check.
    func attempt(_ lease: CheckLease) async -> CheckAnswer {
        guard let source = sources[lease.source] else {
            return failure(lease, "no source '\(lease.source)' is configured", source: nil)
        }
        guard !Task.isCancelled else { return CheckAnswer(lease: lease, outcome: .unsent) }
        let body = #"{"checkId":"\#(lease.checkId)","attempt":\#(lease.attempt),"source":"\#(source.name)","query":\#(lease.query)}"#
        let request = CurlRequest.postJSON(
            url: source.url, body: Array(body.utf8), connectTimeoutMs: source.connectTimeoutMs,
            timeoutMs: source.timeoutMs, proxy: source.proxy ?? "")
        let outcome: Result<CheckFindings, TransferError>
        let started = ContinuousClock.now
        do {
            outcome = SourceAnswer.findings(try await engine.perform(request), from: source, at: now(), logger: logger)
        } catch let error as TransferError where !error.requestSent {
            return CheckAnswer(lease: lease, outcome: .unsent)
        } catch let error as TransferError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(TransferError(.transport, "\(error)"))
        }
        record(source: source.name, latency: ContinuousClock.now - started, failed: (try? outcome.get()) == nil)
        switch outcome {
        case .success(let findings): return CheckAnswer(lease: lease, outcome: .answered(findings))
        case .failure(let error): return failure(lease, error.description, source: source)
        }
    }

    /// Records a batch of answers in one transaction; a stale lease's answer is discarded with a warning.
    private func record(_ answers: [CheckAnswer]) async {
        do {
            let recorded = try await store.recordAnswers(answers, sources: sourceList, now: now())
            for (answer, fresh) in zip(answers, recorded) where !fresh {
                logger.warning("stale lease: answer of check \(answer.lease.checkId) attempt \(answer.lease.attempt) discarded")
            }
        } catch {
            logger.error("cannot record \(answers.count) answer(s) (checks \(answers.map(\.lease.checkId))): \(String(reflecting: error))")
        }
    }

    /// Records an attempt's latency, and its failure, by source.
    private func record(source: String, latency: Duration, failed: Bool) {
        guard let metrics else { return }
        let (seconds, attoseconds) = latency.components
        Metrics.Timer(label: "vigil_check_duration_seconds", dimensions: [("source", source)], factory: metrics)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        if failed {
            Counter(label: "vigil_check_failures_total", dimensions: [("source", source)], factory: metrics).increment()
        }
    }

    /// A failed attempt: retried with backoff while quick attempts remain, then slowly while both the
    /// check's stored allowance and the source's configuration allow; without a source, failed at once.
    private func failure(_ lease: CheckLease, _ message: String, source: IntelSourceSpec?) -> CheckAnswer {
        var retryAt: Date?
        if let source,
            case .retry(let delay) = RetryPolicy.decide(
                attempt: lease.attempt, maxAttempts: min(source.maxAttempts, lease.maxAttempts),
                baseMs: source.backoffBaseMs, maxMs: source.backoffMaxMs, jitter: jitter(),
                slowAttempts: max(0, min(lease.maxAttempts, source.totalAttempts) - source.maxAttempts), slowMs: source.slowRetryMs)
        {
            retryAt = now().addingTimeInterval(Double(delay) / 1000)
        }
        logger.info("check \(lease.checkId) (\(lease.source)) attempt \(lease.attempt) failed: \(message)\(retryAt == nil ? "; giving up" : "")")
        return CheckAnswer(lease: lease, outcome: .failed(error: message, retryAt: retryAt))
    }
}
