public import Foundation
public import Logging
public import ServiceLifecycle
public import VigilStore

/// Records the daily snapshot the dashboard's trend charts read: at start (rebuilding missed days) and
/// then every `interval`, until the service group shuts down.
public struct SnapshotRecorder: Service {
    let store: any Store
    let interval: Duration
    let maxDays: Int
    let logger: Logger
    let now: @Sendable () -> Date

    /// A recorder writing to `store` every `interval` (default 15 minutes), rebuilding at most `maxDays` missed days (the
    /// dashboard's charts show 90), dating each snapshot by `now`.
    public init(
        store: any Store, interval: Duration = .seconds(900), maxDays: Int = 90, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.now = now
        self.interval = interval
        self.maxDays = maxDays
        self.logger = logger
    }

    /// Records until graceful shutdown; a failed recording is logged and retried at the next interval.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.recordDailySnapshots(now: now(), maxDays: maxDays)
                } catch {
                    logger.error("recording the daily snapshot failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
