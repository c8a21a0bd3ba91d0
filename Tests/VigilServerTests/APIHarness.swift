import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VigilCore
import VigilIntel
import VigilServer
import VigilSQLite
import VigilStore
import VigilTesting

/// The API over a fresh store with users of every role. `.router` runs the API's router in process
/// (Hummingbird's router test framework) over `MemoryStore`: the API's logic, no sockets, no database.
/// `.live` runs a real server on a loopback port over a SQLite store, with the CurlEngine as its client:
/// for what only a real connection shows (concurrency, timeouts, raw bytes on the wire).
struct APIHarness: Sendable {
    /// How the harness reaches the API.
    enum Transport: Sendable {
        case router
        case live
    }

    let store: any Store
    /// The live server's base URL and the client that reaches it; nil on the router transport.
    let live: (engine: CurlEngine, base: String)?
    /// The router test framework's client; nil on the live transport.
    let routerClient: (any TestClientProtocol)?
    /// A token per role.
    let tokens: [Role: String]

    /// The live server's base URL.
    var base: String { live!.base }
    /// The live server's HTTP client.
    var engine: CurlEngine { live!.engine }

    static func run(
        _ transport: Transport = .router, idleTimeout: Duration = VigilAPI.defaultIdleTimeout,
        _ body: @escaping @Sendable (APIHarness) async throws -> Void
    ) async throws {
        let temporary = try TemporaryFolder(prefix: "vigil-api")
        defer { temporary.remove() }
        let store: any Store =
            transport == .router ? MemoryStore() : try SQLiteStore(path: temporary.url.appendingPathComponent("api.sqlite").path)
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            let token = AccessToken.generate()
            _ = try await store.addUser(name: "\(role.rawValue)-1", role: role, tokenHash: AccessToken.hash(token), now: Date())
            tokens[role] = token
        }
        let tokensByRole = tokens
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        let sources = IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1")
        switch transport {
        case .router:
            let application = Application(router: try VigilAPI.router(store: store, sources: sources), logger: logger)
            try await application.test(.router) { client in
                try await body(APIHarness(store: store, live: nil, routerClient: client, tokens: tokensByRole))
            }
        case .live:
            let ports = AnnouncedPort()
            let application = try VigilAPI.application(
                store: store, sources: sources, host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout,
                onRunning: { await ports.set($0) })
            let engine = CurlEngine(logger: logger)
            try await withRunningServices([engine, application], logger: logger) {
                try await body(
                    APIHarness(store: store, live: (engine, "http://127.0.0.1:\(await ports.get())"), routerClient: nil, tokens: tokensByRole))
            }
        }
    }

    /// A request as `role` (nil: no token), returning status and body bytes.
    func raw(
        _ method: String, _ path: String, as role: Role?, body: [UInt8] = [], contentType: String = "application/json",
        token: String? = nil
    ) async throws -> (status: Int, body: [UInt8]) {
        let bearer = token ?? role.flatMap { tokens[$0] }
        if let routerClient {
            var headers: HTTPFields = [.contentType: contentType]
            if let bearer { headers[.authorization] = "Bearer \(bearer)" }
            let response = try await routerClient.execute(
                uri: path, method: HTTPRequest.Method(method)!, headers: headers, body: body.isEmpty ? nil : ByteBuffer(bytes: body))
            return (response.status.code, Array(buffer: response.body))
        }
        var headers = ["Content-Type: \(contentType)"]
        if let bearer { headers.append("Authorization: Bearer \(bearer)") }
        let response = try await engine.perform(
            CurlRequest(url: base + path, method: method, headers: headers, body: body, timeoutMs: 30000, maxResponseBytes: 64 << 20))
        return (response.status, response.body)
    }

    /// A request as `role` (nil: no token), returning status and parsed JSON.
    func call(
        _ method: String, _ path: String, as role: Role?, json: String? = nil, body: [UInt8]? = nil,
        contentType: String = "application/json", token: String? = nil
    ) async throws -> (status: Int, json: Any?) {
        let response = try await raw(method, path, as: role, body: body ?? Array((json ?? "").utf8), contentType: contentType, token: token)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body)))
    }

    /// Imports the four case studies as the importer; then, with `claiming`, claims the first case as the
    /// investigator and returns its id.
    @discardableResult
    func importCaseStudies(claiming: Bool = false) async throws -> String? {
        _ = try await call(
            "POST", "/api/v1/referrals?format=nca", as: .importer, body: try sample("nca-case-studies.jsonl"), contentType: "application/x-ndjson")
        guard claiming else { return nil }
        let claimed = try await call("POST", "/api/v1/cases/next", as: .investigator)
        return ((claimed.json as? [String: Any])?["case"] as? [String: Any])?["caseId"] as? String
    }

    /// The `error.code` of an error body.
    static func errorCode(_ json: Any?) -> String? {
        ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }
}
