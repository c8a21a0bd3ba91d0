import Hummingbird
import Logging
import VigilCore
import VigilStore

/// The HTTP API under `/api/v1` (JSON, bearer tokens, roles) and `/healthz`.
public enum VigilAPI {
    /// The largest request body accepted (a batch of ~40,000 NCA packages); larger ones get 413.
    public static let maxBodyBytes = 64 << 20

    /// The router of the whole API.
    public static func router(store: any Store, sources: [IntelSourceSpec]) -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.get("healthz") { _, _ in try APIBody.json(["status": "ok"]) }
        let api = router.group("api/v1").add(middleware: TokenAuthenticator(store: store))
        CaseRoutes(store: store).register(on: api)
        ReferralAndResearchRoutes(store: store, sources: sources).register(on: api)
        return router
    }

    /// The API as a Hummingbird application (a `Service`) listening on `host:port` (port 0: any free
    /// port, reported to `onRunning`).
    public static func application(store: any Store, sources: [IntelSourceSpec], host: String, port: Int, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(store: store, sources: sources),
                    configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
                    onServerRunning: { await onRunning($0.localAddress?.port ?? port) }, logger: logger)
    }
}
