public import Logging
public import ServiceLifecycle

/// Runs `services` as one `ServiceGroup` while `body` runs, then shuts them down gracefully (in reverse
/// order), whether `body` returned or threw. A test's in-process server must be shut down, not cancelled:
/// cancelling a NIO server while it holds an accepted connection it has not yet handed out traps in
/// `NIOAsyncWriter`'s deinit (apple/swift-nio#3481), which ends the whole test run.
public func withRunningServices<T: Sendable>(
    _ services: [any Service], logger: Logger, _ body: () async throws -> T
) async throws -> T {
    let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}
