import Hummingbird
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
}
