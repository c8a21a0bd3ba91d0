import PostgresNIO
import ServiceLifecycle
import Synchronization
public import VigilStore

/// Research wake-ups across processes: a transaction that plans checks sends `NOTIFY vigil_research` (at
/// most once per process every 100 ms, never from a per-row trigger), delivered when it commits; every
/// running store listens on one pooled connection and wakes the workers waiting in `researchMayBeDue`.
/// A wake-up that comes while no worker waits is kept for the next wait. Workers still poll, so a wake-up
/// lost while the listener reconnects only delays research to the poll.
extension PostgresStore: ResearchWakeups {
    /// The channel.
    static let researchChannel = "vigil_research"

    public func researchMayBeDue(within timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.nextResearchWakeup() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns at the next wake-up, or when the task is cancelled.
    private func nextResearchWakeup() async {
        let id = researchWaiters.withLock { state in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = researchWaiters.withLock { state in
                    if Task.isCancelled { return true }
                    if state.unheard {
                        state.unheard = false
                        return true
                    }
                    state.waiting[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            researchWaiters.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
        }
    }

    /// Wakes every waiting worker; with none waiting (a worker between two waits, leasing), the next wait
    /// returns at once, so a wake-up is never lost in the gap.
    func wakeResearch() {
        let waiting = researchWaiters.withLock { state in
            defer { state.waiting = [:] }
            state.unheard = state.waiting.isEmpty
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Listens for wake-ups until the task is cancelled, listening again a second after a lost connection.
    func listenForResearch() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.researchChannel) { notifications in
                        for try await _ in notifications { self.wakeResearch() }
                    }
                }
            } catch {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Sends the wake-up in the caller's transaction unless this process sent one within 100 ms.
    func notifyResearch(_ connection: PostgresConnection) async throws {
        let now = ContinuousClock.now
        let due = lastNotify.withLock { last in
            guard last.map({ now - $0 >= .milliseconds(100) }) ?? true else { return false }
            last = now
            return true
        }
        if due { try await connection.run("SELECT pg_notify(\(Self.researchChannel), '')", logger: logger) }
    }
}

/// Workers waiting for a research wake-up, by waiter, and whether a wake-up came while none waited.
struct ResearchWaiters {
    var next = 0
    var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    var unheard = false
}

/// Listens for research wake-ups for the life of the store's pool, and stops when told of a shutdown.
struct ResearchListener: Service {
    let store: PostgresStore

    func run() async {
        await cancelWhenGracefulShutdown { await store.listenForResearch() }
    }
}
