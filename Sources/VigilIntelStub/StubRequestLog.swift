public import Foundation
import Synchronization

/// Every request the stub received, and how many it was answering at once.
public final class StubRequestLog: Sendable {
    /// One request.
    public struct Entry: Sendable, Hashable, Codable {
        /// The check id Vigil sent.
        public var checkId: String
        /// The attempt number Vigil sent (0 when absent).
        public var attempt: Int
        /// The source asked.
        public var source: String
        /// When the request arrived.
        public var receivedAt: Date
        /// When the answer was sent; nil while in flight (or if the client went away).
        public var answeredAt: Date?
        /// The status answered.
        public var status: Int?
    }

    private struct State {
        var entries: [Entry] = []
        var inFlight = 0
        var peakInFlight = 0
    }

    private let state = Mutex(State())

    /// Creates an empty log.
    public init() {}

    /// Every request so far, in arrival order.
    public var entries: [Entry] { state.withLock { $0.entries } }

    /// The most requests in flight at once.
    public var peakInFlight: Int { state.withLock { $0.peakInFlight } }

    func begin(checkId: String, attempt: Int, source: String, at: Date) -> Int {
        state.withLock { state in
            state.entries.append(Entry(checkId: checkId, attempt: attempt, source: source, receivedAt: at))
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            return state.entries.count - 1
        }
    }

    func end(_ index: Int, status: Int, at: Date) {
        state.withLock { state in
            state.entries[index].answeredAt = at
            state.entries[index].status = status
            state.inFlight -= 1
        }
    }
}
