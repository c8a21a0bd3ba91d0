import Foundation
import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// The simulated intelligence sources: a real HTTP server answering `POST /<source>` per FORMATS.md §4,
/// from fixtures or with deterministic synthetic answers. A `Service`.
public final class IntelStubServer: Service, Sendable {
    /// How the stub behaves.
    public struct Options: Sendable {
        /// Address to listen on.
        public var host: String
        /// Port to listen on (0: any free port; see `port()`).
        public var port: Int
        /// Canned answers.
        public var fixtures: StubFixtures
        /// Answer 404 to queries no fixture matches instead of a synthetic answer.
        public var fixturesOnly: Bool
        /// Delay added to every answer, milliseconds.
        public var latencyMs: Int
        /// Fraction of requests (0–1) answered `500`, chosen deterministically from check id and attempt.
        public var failRate: Double

        /// Creates options.
        public init(
            host: String = "127.0.0.1", port: Int = 0, fixtures: StubFixtures = StubFixtures(), fixturesOnly: Bool = false, latencyMs: Int = 0,
            failRate: Double = 0
        ) {
            self.host = host
            self.port = port
            self.fixtures = fixtures
            self.fixturesOnly = fixturesOnly
            self.latencyMs = latencyMs
            self.failRate = failRate
        }
    }

    /// Every request received.
    public let log = StubRequestLog()
    /// Every alert its webhook received.
    public let alerts = AlertReceipts()
    private let options: Options
    private let logger: Logger
    private let boundPort = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    /// Creates the stub; `run()` serves it.
    public init(options: Options, logger: Logger = Logger(label: "vigil.intel-stub")) {
        self.options = options
        self.logger = logger
    }

    /// The port the server listens on, once it does.
    public func port() async -> Int {
        await withCheckedContinuation { continuation in
            let known = boundPort.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// Serves until graceful shutdown.
    public func run() async throws {
        let router = Router()
        router.post(":source") { request, context in
            try await self.answer(request, source: context.parameters.get("source") ?? "")
        }
        router.post("_alerts") { request, _ in try await self.receiveAlert(request) }
        router.get("_alerts") { _, _ in
            let body = try JSONEncoder().encode(self.alerts.all)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("_log") { _, _ in
            let body = try JSONEncoder().encode(self.log.entries)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "vigil-intel-stub"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let waiters = self.boundPort.withLock { state in
                    state.port = port
                    defer { state.waiters = [] }
                    return state.waiters
                }
                waiters.forEach { $0.resume(returning: port) }
            },
            logger: logger
        )
        try await application.runService()
    }

    private func answer(_ request: Request, source: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        guard let body = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any],
            let query = body["query"] as? [String: Any]
        else {
            return json(400, ["error": "body must be {checkId, source, query}"])
        }
        let checkId = "\(body["checkId"] ?? "")"
        let attempt = body["attempt"] as? Int ?? 0
        let entry = log.begin(checkId: checkId, attempt: attempt, source: source, at: Date())
        var (status, answer, delayMs) = respond(source: source, query: query, checkId: checkId, attempt: attempt)
        delayMs += options.latencyMs
        if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
        log.end(entry, status: status, at: Date())
        if status == 200, answer.isEmpty { answer = Data("{}".utf8) }
        if status == 404, answer.isEmpty { answer = Data(Self.noRecord.utf8) }
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: answer)))
    }

    /// A webhook delivery: an alert with an `alertId` is logged and acknowledged with 204 after the stub's
    /// latency; anything else is a 400.
    private func receiveAlert(_ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        guard let body = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any],
            let alertId = body["alertId"] as? String
        else {
            return json(400, ["error": "an alert must carry an alertId"])
        }
        let arrivedAt = Date()
        if options.latencyMs > 0 { try await Task.sleep(for: .milliseconds(options.latencyMs)) }
        alerts.append(AlertReceipts.Receipt(alertId: alertId, raisedAt: body["raisedAt"] as? String ?? "", receivedAt: arrivedAt))
        logger.info("alert \(alertId) received")
        return Response(status: .noContent)
    }

    /// The protocol's own "no record" body (FORMATS.md §4), which a 404 must carry to mean "no".
    static let noRecord = #"{"noRecord":true}"#

    /// Status, body and fixture delay for one query.
    func respond(source: String, query: [String: Any], checkId: String, attempt: Int) -> (Int, Data, Int) {
        if options.failRate > 0,
            Double(SyntheticAnswers.fnv1a("\(checkId)#\(attempt)") % 10_000) / 10_000 < options.failRate
        {
            return (500, Data(#"{"error":"injected failure"}"#.utf8), 0)
        }
        let fields = Self.fields(of: query)
        if let fixture = options.fixtures.fixture(source: source, fields: fields) {
            return (fixture.status, fixture.answer, fixture.delayMs)
        }
        if options.fixturesOnly { return (404, Data(), 0) }
        let canonical = (try? JSONSerialization.data(withJSONObject: query, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let (status, synthetic) = SyntheticAnswers.answer(source: source, query: canonical)
        return (status, (try? JSONSerialization.data(withJSONObject: synthetic, options: [.sortedKeys])) ?? Data(), 0)
    }

    /// The query's fields by name (`{"ip": {"ipAddress": …}}` → `ipAddress`), list fields as all their values.
    static func fields(of query: [String: Any]) -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for case let inner as [String: Any] in query.values {
            for (key, value) in inner {
                if let list = value as? [Any] {
                    fields[key] = list.map { "\($0)" }
                    fields[String(key.dropLast())] = list.map { "\($0)" }
                } else {
                    fields[key] = ["\(value)"]
                }
            }
        }
        return fields
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
