public import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import VigilCore
public import VigilStore

/// The HTTP API under `/api/v1` (JSON, bearer tokens, roles) and `/healthz`.
public enum VigilAPI {
    /// The largest request body accepted; larger ones get 413. A batch (`POST /referrals`) is read as it
    /// arrives (`BatchBody`) and has no limit.
    public static let maxBodyBytes = 64 << 20
    /// Most cases in one page of `GET /api/v1/backlog` (and its default): a server holding any backlog
    /// answers a listing in bounded memory; clients follow `next`.
    public static let backlogPageLimit = 1000

    /// The router of the whole API, stamping and judging every instant with `now`.
    public static func router(
        store: any Store, sources: [IntelSourceSpec], metrics: ServerMetrics = ServerMetrics(),
        dashboard: DashboardConfiguration = DashboardConfiguration(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Router<APIContext> {
        let router = Router(context: APIContext.self)
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: APIErrorMiddleware())
        router.get("healthz") { _, _ in try APIBody.json(["status": "ok"]) }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: try await metrics.render(store: store, now: now()))))
        }
        router.get("api/v1/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: try openAPIDocument())))
        }
        let api = router.group("api/v1").add(middleware: RefusalAuditMiddleware(store: store, now: now)).add(
            middleware: TokenAuthenticator(store: store))
        CaseRoutes(store: store, metrics: metrics, now: now).register(on: api)
        ReferralAndResearchRoutes(store: store, sources: sources, metrics: metrics, now: now).register(on: api)
        DashboardRoutes(
            store: store, sources: sources, templates: try WebTemplates(),
            configuration: dashboard, now: now
        ).register(on: router)
        return router
    }

    /// The OpenAPI 3.1 document of this API (`docs/openapi.yaml`), bundled with the server.
    public static func openAPIDocument() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw APIError(.internalServerError, "internal", "the OpenAPI document is missing from the build")
        }
        return try Data(contentsOf: url)
    }

    /// How long a connection may stay without a complete request head: from the moment it opens, and after
    /// each response. It is the header-read timeout too: a client that sends its header lines slowly is
    /// closed once it passes, whatever it sends meanwhile.
    public static let defaultIdleTimeout: Duration = .seconds(30)

    /// The API as a Hummingbird application (a `Service`) listening on `host:port` (port 0: any free
    /// port, reported to `onRunning`), closing connections idle for `idleTimeout`, on the clock `now`.
    public static func application(
        store: any Store, sources: [IntelSourceSpec], host: String, port: Int, logger: Logger,
        metrics: ServerMetrics = ServerMetrics(), dashboard: DashboardConfiguration = DashboardConfiguration(),
        idleTimeout: Duration = defaultIdleTimeout, now: @escaping @Sendable () -> Date = { Date() },
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return Application(
            router: try router(store: store, sources: sources, metrics: metrics, dashboard: dashboard, now: now),
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { await onRunning($0.localAddress?.port ?? port) }, logger: logger)
    }
}
