/// The life of every transfer the CurlEngine runs, as a pure state machine: callers feed it events and
/// carry out the actions it returns. It guarantees that each transfer's continuation is resumed exactly
/// once, whatever order submission, completion, cancellation and shutdown arrive in.
public struct TransferStateMachine<Request: Sendable>: Sendable {
    /// Where a transfer is.
    enum State: Equatable {
        /// Submitted; the curl thread has not picked it up yet.
        case queued
        /// Its easy handle is in the multi handle.
        case running
        /// Cancelled while running; the curl thread must remove its handle.
        case cancelling
    }

    private var states: [UInt64: State] = [:]
    private var starts: [(id: UInt64, request: Request)] = []
    private var aborts: [UInt64] = []
    private(set) var shuttingDown = false

    /// Creates an empty machine.
    public init() {}

    /// What the submitter must do.
    public enum SubmitAction: Equatable {
        /// Wake the curl thread: there is work.
        case wakeLoop
        /// Fail the transfer at once: the engine is shutting down.
        case failShutdown
    }

    /// A new transfer.
    public mutating func submit(_ id: UInt64, _ request: Request) -> SubmitAction {
        guard !shuttingDown else { return .failShutdown }
        states[id] = .queued
        starts.append((id, request))
        return .wakeLoop
    }

    /// What the canceller must do.
    public enum CancelAction: Equatable {
        /// Nothing: the transfer already finished (or is already being cancelled).
        case none
        /// Resume the continuation with a cancellation error now (it never reached curl).
        case resumeCancelled
        /// Wake the curl thread, which will remove the handle and resume the continuation.
        case wakeLoop
    }

    /// Cancellation of a transfer, from any thread.
    public mutating func cancel(_ id: UInt64) -> CancelAction {
        switch states[id] {
        case .queued:
            states[id] = nil
            starts.removeAll { $0.id == id }
            return .resumeCancelled
        case .running:
            states[id] = .cancelling
            aborts.append(id)
            return .wakeLoop
        case .cancelling, nil:
            return .none
        }
    }

    /// Work for the curl thread: transfers to add to the multi handle, and cancelled ones to remove.
    public struct LoopWork {
        /// Transfers to start.
        public var starts: [(id: UInt64, request: Request)]
        /// Transfers to abort.
        public var aborts: [UInt64]
    }

    /// Takes the queued work; queued transfers become running.
    public mutating func takeLoopWork() -> LoopWork {
        let work = LoopWork(starts: starts, aborts: aborts)
        for start in starts { states[start.id] = .running }
        starts.removeAll()
        aborts.removeAll()
        return work
    }

    /// What the curl thread must do with a finished or aborted transfer's continuation.
    public enum FinishAction: Equatable {
        /// Nothing: it was resumed already.
        case none
        /// Resume it with the transfer's result.
        case resumeWithResult
        /// Resume it with a cancellation error (the result, if any, is discarded).
        case resumeCancelled
    }

    /// curl reported the transfer done.
    public mutating func finished(_ id: UInt64) -> FinishAction {
        switch states.removeValue(forKey: id) {
        case .running: return .resumeWithResult
        case .cancelling: return .resumeCancelled
        case .queued, nil: return .none
        }
    }

    /// The curl thread removed a cancelled transfer's handle.
    public mutating func aborted(_ id: UInt64) -> FinishAction {
        guard states[id] == .cancelling else { return .none }
        states[id] = nil
        return .resumeCancelled
    }

    /// Stops accepting transfers; returns the queued ones, to be failed now. Running ones finish.
    public mutating func beginShutdown() -> [UInt64] {
        shuttingDown = true
        let queued = starts.map(\.id)
        for id in queued { states[id] = nil }
        starts.removeAll()
        return queued
    }

    /// True when no transfer is queued, running or being cancelled.
    public var isIdle: Bool { states.isEmpty }
}
