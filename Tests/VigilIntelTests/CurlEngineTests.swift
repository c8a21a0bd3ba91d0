import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing
import VigilIntel
import VigilTesting

/// A real local HTTP server with well-behaved and badly-behaved routes.
func testServer() -> some ApplicationProtocol {
    let router = Router()
    router.get("ok") { _, _ in "hello" }
    router.post("echo") { request, _ in
        let body = try await request.body.collect(upTo: 8 << 20)
        return Response(status: .ok, body: .init(byteBuffer: body))
    }
    router.post("upload") { request, _ in
        let expect = request.headers[.expect] ?? "-"
        let body = try await request.body.collect(upTo: 8 << 20)
        return "\(body.readableBytes) expect=\(expect)"
    }
    router.get("slow") { _, _ in
        try await Task.sleep(for: .seconds(3))
        return "late"
    }
    router.get("status/500") { _, _ in Response(status: .internalServerError) }
    router.get("big") { _, _ in String(repeating: "x", count: 3 << 20) }
    var logger = Logger(label: "test-server")
    logger.logLevel = .critical
    return Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in await ServerPort.shared.set(channel.localAddress?.port ?? 0) }, logger: logger)
}

/// The port the test server bound (each suite test starts its own server, serially).
actor ServerPort {
    static let shared = ServerPort()
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        waiters.forEach { $0.resume(returning: value) }
        waiters = []
    }

    func reset() { port = nil }

    func get() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Runs `body` with a running CurlEngine and test server, then shuts both down.
func withEngine(_ body: @escaping @Sendable (CurlEngine, String) async throws -> Void) async throws {
    await ServerPort.shared.reset()
    let engine = CurlEngine(configuration: .init(maxConnectionsPerHost: 64))
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let server = testServer()
    try await withRunningServices([engine, server], logger: logger) {
        try await body(engine, "http://127.0.0.1:\(await ServerPort.shared.get())")
    }
}

func transferError(_ work: () async throws -> CurlResponse) async -> TransferError? {
    do {
        _ = try await work()
        return nil
    } catch {
        return error as? TransferError
    }
}

@Suite("CurlEngine against real local servers", .serialized)
struct CurlEngineTests {
    @Test("GET and POST round trips, many at once")
    func roundTrips() async throws {
        try await withEngine { engine, base in
            let ok = try await engine.perform(CurlRequest(url: "\(base)/ok"))
            #expect(ok.status == 200 && String(decoding: ok.body, as: UTF8.self) == "hello")
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let response = try await engine.perform(
                            .postJSON(
                                url: "\(base)/echo", body: Array("{\"n\":\(index)}".utf8),
                                connectTimeoutMs: 2000, timeoutMs: 5000))
                        return String(decoding: response.body, as: UTF8.self)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(bodies == Set((0..<40).map { "{\"n\":\($0)}" }))
            #expect(engine.peakConcurrentTransfers > 1)
        }
    }

    @Test("a large POST goes without `Expect: 100-continue`, which would stall each upload by a second")
    func largeUploadWithoutExpect() async throws {
        try await withEngine { engine, base in
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
            let response = try await engine.perform(CurlRequest(url: "\(base)/upload", method: "POST", body: body, timeoutMs: 30000))
            #expect(String(decoding: response.body, as: UTF8.self) == "\(3 << 20) expect=-")
            let asked = try await engine.perform(
                CurlRequest(
                    url: "\(base)/upload", method: "POST", headers: ["Expect: 100-continue"],
                    body: Array(body.prefix(10)), timeoutMs: 30000))
            #expect(String(decoding: asked.body, as: UTF8.self) == "10 expect=100-continue", "a caller's own Expect header is kept")
        }
    }

    @Test("a body file is sent as it is on disk, and a file that cannot be read is never sent")
    func bodyFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("curl-body-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let content = (0..<(5 << 20) + 3).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        try await withEngine { engine, base in
            let response = try await engine.perform(
                CurlRequest(url: "\(base)/echo", method: "POST", bodyFile: path, timeoutMs: 0, stallTimeoutMs: 30000, maxResponseBytes: 8 << 20))
            #expect(response.status == 200)
            #expect(response.body == content)
            let missing = await transferError {
                try await engine.perform(CurlRequest(url: "\(base)/echo", method: "POST", bodyFile: path + "-missing"))
            }
            #expect(missing?.code == .transport)
            #expect(missing?.requestSent == false)
            let directory = await transferError {
                try await engine.perform(CurlRequest(url: "\(base)/echo", method: "POST", bodyFile: NSTemporaryDirectory()))
            }
            #expect(directory?.requestSent == false, "a directory is not a body")
        }
    }

    @Test("with no overall limit, a transfer that moves nothing for the stall time is abandoned")
    func stallTimeout() async throws {
        try await withEngine { engine, base in
            let error = await transferError {
                try await engine.perform(CurlRequest(url: "\(base)/slow", timeoutMs: 0, stallTimeoutMs: 1000))
            }
            #expect(error?.code == .timeout)
        }
    }

    @Test("a 500 is a response, not a transport error")
    func serverError() async throws {
        try await withEngine { engine, base in
            let response = try await engine.perform(CurlRequest(url: "\(base)/status/500"))
            #expect(response.status == 500)
        }
    }

    @Test("the total timeout ends a slow transfer")
    func timeout() async throws {
        try await withEngine { engine, base in
            let error = await transferError { try await engine.perform(CurlRequest(url: "\(base)/slow", timeoutMs: 300)) }
            #expect(error?.code == .timeout)
        }
    }

    @Test("a response over the size cap is refused")
    func sizeCap() async throws {
        try await withEngine { engine, base in
            let error = await transferError { try await engine.perform(CurlRequest(url: "\(base)/big", maxResponseBytes: 1 << 20)) }
            #expect(error?.code == .tooLarge)
        }
    }

    @Test("only http and https are allowed", arguments: ["file:///etc/hostname", "ftp://127.0.0.1/x", "dict://127.0.0.1/x"])
    func protocols(url: String) async throws {
        try await withEngine { engine, _ in
            let error = await transferError { try await engine.perform(CurlRequest(url: url)) }
            #expect(error?.code == .unsupportedProtocol)
        }
    }

    @Test("a reset connection, garbage instead of HTTP and a closed port are transport errors")
    func brokenPeers() async throws {
        let reset = try RawSocketServer(.reset)
        let garbage = try RawSocketServer(.garbage)
        defer {
            reset.stop()
            garbage.stop()
        }
        try await withEngine { engine, _ in
            for url in ["http://127.0.0.1:\(reset.port)/", "http://127.0.0.1:\(garbage.port)/", "http://127.0.0.1:1/"] {
                let error = await transferError { try await engine.perform(CurlRequest(url: url, connectTimeoutMs: 1000, timeoutMs: 2000)) }
                #expect(error?.code == .transport, "\(url)")
            }
        }
    }

    @Test("cancelling the caller aborts the transfer instead of waiting for it")
    func cancellation() async throws {
        try await withEngine { engine, base in
            let task = Task { try await engine.perform(CurlRequest(url: "\(base)/slow", timeoutMs: 10000)) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let error = await transferError { try await task.value }
            #expect(error?.code == .cancelled)
            let after = try await engine.perform(CurlRequest(url: "\(base)/ok"))
            #expect(after.status == 200, "the engine keeps working")
        }
    }

    @Test("after shutdown new transfers are refused")
    func shutdown() async throws {
        let engine = CurlEngine()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            try await Task.sleep(for: .milliseconds(50))
            group.cancelAll()
        }
        let error = await transferError { try await engine.perform(CurlRequest(url: "http://127.0.0.1:1/")) }
        #expect(error?.code == .shutdown)
    }
}
