import Logging
import UnixSignals
import ServiceLifecycle

/// A piece of work run as a `Service` beside long-running ones (the stub, the CurlEngine); when it
/// returns, the whole group shuts down gracefully.
struct OneShotService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws { try await body() }

    /// Runs `body` with `services` alive around it, then stops them.
    static func run(with services: [any Service], logger: Logger, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }
                    + [.init(service: OneShotService(body: body), successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
