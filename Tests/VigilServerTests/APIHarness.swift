import Foundation
import Hummingbird
import Logging
import Testing
import VigilCore
import VigilIntel
import VigilServer
import VigilStore
import VigilTesting

/// A real API server on a loopback port over a fresh SQLite store, with users of every role, and the
/// CurlEngine as its HTTP client.
struct APIHarness: Sendable {
    let store: SQLiteStore
    let engine: CurlEngine
    let base: String
    /// A token per role.
    let tokens: [Role: String]

    static func run(idleTimeout: Duration = VigilAPI.defaultIdleTimeout, _ body: @escaping @Sendable (APIHarness) async throws -> Void) async throws {
        let temporary = try TemporaryFolder(prefix: "vigil-api")
        defer { temporary.remove() }
        let folder = temporary.url
        let store = try SQLiteStore(path: folder.appendingPathComponent("api.sqlite").path)
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            let token = AccessToken.generate()
            _ = try await store.addUser(name: "\(role.rawValue)-1", role: role, tokenHash: AccessToken.hash(token), now: Date())
            tokens[role] = token
        }
        var logger = Logger(label: "api-test")
        logger.logLevel = .critical
        let ports = AnnouncedPort()
        let application = try VigilAPI.application(
            store: store, sources: IntelSourceSpec.defaults(baseURL: "http://127.0.0.1:1"),
            host: "127.0.0.1", port: 0, logger: logger, idleTimeout: idleTimeout,
            onRunning: { await ports.set($0) })
        let engine = CurlEngine(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            group.addTask { try await engine.run() }
            let harness = APIHarness(store: store, engine: engine, base: "http://127.0.0.1:\(await ports.get())", tokens: tokens)
            do {
                try await body(harness)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// A request as `role` (nil: no token), returning status and parsed JSON.
    func call(
        _ method: String, _ path: String, as role: Role?, json: String? = nil, body: [UInt8]? = nil,
        contentType: String = "application/json", token: String? = nil
    ) async throws -> (status: Int, json: Any?) {
        var headers = ["Content-Type: \(contentType)"]
        if let bearer = token ?? role.flatMap({ tokens[$0] }) { headers.append("Authorization: Bearer \(bearer)") }
        let request = CurlRequest(
            url: base + path, method: method, headers: headers, body: body ?? Array((json ?? "").utf8),
            timeoutMs: 30000, maxResponseBytes: 64 << 20)
        let response = try await engine.perform(request)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body)))
    }

    /// The `error.code` of an error body.
    static func errorCode(_ json: Any?) -> String? {
        ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
    }
}
