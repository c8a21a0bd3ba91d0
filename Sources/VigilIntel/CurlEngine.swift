import CCurl
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// HTTP through libcurl: one multi handle driven by `curl_multi_perform` and `curl_multi_poll` on a
/// dedicated thread (never on the Swift concurrency pool). Requests reach that thread through a locked
/// inbox and `curl_multi_wakeup`; each caller awaits its own response, and its continuation is resumed
/// exactly once (see `TransferStateMachine`). Protocols are limited to http and https, TLS is verified,
/// connections are reused and capped per host. The engine is a `Service`: `run()` owns the thread.
public final class CurlEngine: Service, Sendable {
    /// Limits of the engine.
    public struct Configuration: Sendable {
        /// Connections to one host at once (further transfers to it wait for a free one).
        public var maxConnectionsPerHost: Int
        /// Connections at once in all.
        public var maxTotalConnections: Int

        /// Creates a configuration.
        public init(maxConnectionsPerHost: Int = 256, maxTotalConnections: Int = 1024) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
        }
    }

    private struct MultiHandle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private struct Shared: ~Copyable {
        var machine = TransferStateMachine<CurlRequest>()
        var continuations: [UInt64: CheckedContinuation<CurlResponse, any Error>] = [:]
        var peakTransfers = 0
    }

    private let multi: MultiHandle
    private let shared = Mutex(Shared())
    private let nextId = Atomic<UInt64>(0)
    private let logger: Logger

    /// `curl_global_init`, run once per process before the first handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Creates the engine; transfers submitted before `run()` starts wait for it.
    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "vigil.curl")) {
        precondition(Self.globalInit, "curl_global_init failed")
        multi = MultiHandle(pointer: curl_multi_init())
        self.logger = logger
        _ = vigil_multi_setopt_long(multi.pointer, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = vigil_multi_setopt_long(multi.pointer, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        _ = vigil_multi_setopt_long(multi.pointer, CURLMOPT_MAXCONNECTS, configuration.maxTotalConnections)
    }

    deinit {
        curl_multi_cleanup(multi.pointer)
    }

    /// The most transfers that have been in the multi handle at once.
    public var peakConcurrentTransfers: Int { shared.withLock { $0.peakTransfers } }

    /// Sends a request and waits for its response. Cancelling the calling task aborts the transfer.
    public func perform(_ request: CurlRequest) async throws -> CurlResponse {
        let id = nextId.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CurlResponse, any Error>) in
                let action = shared.withLock { state in
                    let action = state.machine.submit(id, request)
                    if action == .wakeLoop { state.continuations[id] = continuation }
                    return action
                }
                switch action {
                case .wakeLoop:
                    curl_multi_wakeup(multi.pointer)
                    if Task.isCancelled { cancel(id) }
                case .failShutdown:
                    continuation.resume(throwing: TransferError(.shutdown, "the HTTP engine is shutting down", requestSent: false))
                }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let (action, continuation) = shared.withLock { state in
            let action = state.machine.cancel(id)
            return (action, action == .resumeCancelled ? state.continuations.removeValue(forKey: id) : nil)
        }
        switch action {
        case .resumeCancelled: continuation?.resume(throwing: TransferError(.cancelled, "cancelled before it started", requestSent: false))
        case .wakeLoop: curl_multi_wakeup(multi.pointer)
        case .none: break
        }
    }

    /// Runs the curl thread until graceful shutdown (or cancellation); then refuses new transfers,
    /// lets running ones finish and waits for the thread to end.
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread {
                        self.loop()
                        done.resume()
                    }
                    thread.name = "vigil-curl"
                    thread.start()
                }
            }
            try? await gracefulShutdown()
            let queued = shared.withLock { state in
                state.machine.beginShutdown().compactMap { state.continuations.removeValue(forKey: $0) }
            }
            for continuation in queued {
                continuation.resume(throwing: TransferError(.shutdown, "the HTTP engine is shutting down", requestSent: false))
            }
            curl_multi_wakeup(multi.pointer)
        }
    }

    /// The curl thread: start and abort transfers, drive the multi handle, deliver results.
    private func loop() {
        var transfers: [UInt64: CurlTransfer] = [:]
        var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]
        while true {
            let work = shared.withLock { $0.machine.takeLoopWork() }
            for (id, request) in work.starts {
                switch CurlTransfer.make(request) {
                case .success(let transfer):
                    transfers[id] = transfer
                    idsByHandle[transfer.easy] = id
                    curl_multi_add_handle(multi.pointer, transfer.easy)
                case .failure(let error):
                    deliver(id, .failure(error), aborted: false)
                }
            }
            for id in work.aborts {
                guard let transfer = transfers.removeValue(forKey: id) else { continue }
                idsByHandle[transfer.easy] = nil
                curl_multi_remove_handle(multi.pointer, transfer.easy)
                transfer.cleanup()
                deliver(id, .failure(TransferError(.cancelled, "cancelled")), aborted: true)
            }
            shared.withLock { $0.peakTransfers = max($0.peakTransfers, transfers.count) }

            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi.pointer, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let id = idsByHandle.removeValue(forKey: easy), let transfer = transfers.removeValue(forKey: id)
                else { continue }
                let result = transfer.result(code: message.pointee.data.result)
                curl_multi_remove_handle(multi.pointer, easy)
                transfer.cleanup()
                deliver(id, result, aborted: false)
            }

            let finished = shared.withLock { $0.machine.shuttingDown && $0.machine.isIdle }
            if finished && transfers.isEmpty { break }
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
        logger.debug("curl thread stopped")
    }

    private func deliver(_ id: UInt64, _ result: Result<CurlResponse, TransferError>, aborted: Bool) {
        let (action, continuation) = shared.withLock { state in
            let action = aborted ? state.machine.aborted(id) : state.machine.finished(id)
            return (action, action == .none ? nil : state.continuations.removeValue(forKey: id))
        }
        switch action {
        case .none: break
        case .resumeWithResult: continuation?.resume(with: result.mapError { $0 as any Error })
        case .resumeCancelled: continuation?.resume(throwing: TransferError(.cancelled, "cancelled"))
        }
    }
}
