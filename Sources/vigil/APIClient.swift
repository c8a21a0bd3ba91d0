import ArgumentParser
import Foundation
import Logging
import Synchronization
import VigilCore
import VigilIntel
import VigilStore

/// The CLI talking to a running `vigil serve` instead of a local database (`--server URL --token T`).
struct APIClient: Sendable {
    let base: String
    let token: String
    let engine: CurlEngine

    /// An answer: status and body.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        /// The file holding the body when the request asked for one (`body` is then empty).
        var file: String?

        /// The body decoded as Vigil JSON.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try VigilJSON.decoder.decode(type, from: Data(body))
        }

        /// The body as text.
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Runs `body` with a client whose engine is running, and returns what it returns.
    @discardableResult
    static func run<T: Sendable>(server: String, token: String, _ body: @escaping @Sendable (APIClient) async throws -> T) async throws -> T {
        let logger = Logger.vigil("vigil.client")
        let engine = CurlEngine(logger: logger)
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        let result = Mutex<T?>(nil)
        try await OneShotService.run(with: [engine], logger: logger) {
            let value = try await body(APIClient(base: base, token: token, engine: engine))
            result.withLock { $0 = value }
        }
        guard let value = result.withLock({ $0 }) else { throw CancellationError() }
        return value
    }

    /// Sends a request; any status but `accepting` (and 2xx) becomes the API's error message, exit 1. A
    /// `bodyFile` is streamed from disk as the body; its request may take as long as the server needs to
    /// store the file, and is abandoned only when nothing moves for ten minutes. With a `responseFile` the
    /// answer's body is written there instead of memory (and the file removed when the answer is refused).
    func send(
        _ method: String, _ path: String, body: [UInt8] = [], bodyFile: String? = nil, contentType: String = "application/json",
        accepting: Set<Int> = [], responseFile: String? = nil
    ) async throws -> Answer {
        let response = try await engine.perform(
            CurlRequest(
                url: base + path, method: method, headers: ["Authorization: Bearer \(token)", "Content-Type: \(contentType)"],
                body: body, bodyFile: bodyFile, timeoutMs: bodyFile == nil ? 600_000 : 0, stallTimeoutMs: 600_000,
                maxResponseBytes: responseFile == nil ? 256 << 20 : Int.max, responseFile: responseFile))
        guard (200..<300).contains(response.status) || accepting.contains(response.status) else {
            let errorBody = try responseFile.map { file in
                defer { try? FileManager.default.removeItem(atPath: file) }
                return try FileHandle(forReadingFrom: URL(fileURLWithPath: file)).read(upToCount: 1 << 20) ?? Data()
            }
            let object = try? JSONSerialization.jsonObject(with: errorBody ?? Data(response.body)) as? [String: Any]
            let message = (object?["error"] as? [String: Any])?["message"] as? String ?? "HTTP \(response.status)"
            throw ServerRefusal(status: response.status, description: "\(base): \(message) (HTTP \(response.status))")
        }
        return Answer(status: response.status, body: response.body, file: responseFile)
    }
}

/// A request the server refused or never answered, with its message.
struct ServerRefusal: Error, CustomStringConvertible {
    /// The HTTP status; nil when no answer came (the connection failed or broke).
    var status: Int?
    /// The server's message and status.
    var description: String

    /// 401 or 403: the token or its role, which every later request would meet too.
    var refusesTheCaller: Bool { status == 401 || status == 403 }
    /// The caller is refused or the server is unreachable: later requests would fare the same.
    var stopsTheUpload: Bool { status == nil || refusesTheCaller }
}

/// `--server URL --token T` (or `$VIGIL_SERVER`, `$VIGIL_TOKEN`): go through a running server's API.
struct ServerOptions: ParsableArguments {
    @Option(help: "A running `vigil serve` to use instead of --db (default: $VIGIL_SERVER).")
    var server: String?

    @Option(help: "The API token for --server (default: $VIGIL_TOKEN).")
    var token: String?

    /// The server and token in force, nil for the local database.
    func target() throws -> (server: String, token: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let server = server ?? environment["VIGIL_SERVER"] else { return nil }
        guard let token = token ?? environment["VIGIL_TOKEN"], !token.isEmpty else {
            throw ValidationError("--server needs --token (or $VIGIL_TOKEN)")
        }
        return (server, token)
    }
}
