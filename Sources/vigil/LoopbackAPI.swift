import Foundation
import Logging
import ServiceLifecycle
import VigilCore
import VigilIntel
import VigilServer
import VigilStore

/// The API served on a free loopback port beside a CurlEngine client, for benchmarks through HTTP.
enum LoopbackAPI {
    /// Runs `body` with the base URL of a running API over `store`, and the engine to call it with. The API
    /// plans imported referrals' checks from `sources` (`vigil serve` plans them from its intelligence sources);
    /// `alongside` run in the same group (the simulated sources, for research during a benchmark).
    static func run(
        store: any Store, sources: [IntelSourceSpec], dashboard: DashboardConfiguration = DashboardConfiguration(),
        alongside: [any Service] = [], _ body: @escaping @Sendable (String, CurlEngine) async throws -> Void
    ) async throws {
        let logger = Logger.vigil("vigil.bench")
        let port = PortAnnouncement()
        let application = try VigilAPI.application(
            store: store, sources: sources, host: "127.0.0.1", port: 0, logger: logger, dashboard: dashboard,
            onRunning: { await port.announce($0) })
        let engine = CurlEngine(configuration: .init(maxConnectionsPerHost: 64), logger: logger)
        try await OneShotService.run(with: [application, engine] + alongside, logger: logger) {
            try await body("http://127.0.0.1:\(await port.value())", engine)
        }
    }

    /// A user of `role` with a fresh token.
    static func token(_ store: any Store, role: Role) async throws -> String {
        let token = AccessToken.generate()
        _ = try await store.addUser(name: "bench-\(role.rawValue)", role: role, tokenHash: AccessToken.hash(token), now: Date())
        return token
    }
}

/// The port a server reports once it listens.
actor PortAnnouncement {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func announce(_ value: Int) {
        port = value
        waiters.forEach { $0.resume(returning: value) }
        waiters = []
    }

    func value() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
