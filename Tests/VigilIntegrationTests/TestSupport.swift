import Foundation
import Testing
import VigilCore
#if canImport(Glibc)
import Glibc
#endif

/// A source configuration file's content: the default sources at `base`, with timeouts and retries short
/// enough for tests (a dead worker's leases expire in seconds, retries come within 100–500 ms), and
/// `slowRetries` slow retries `slowRetryMs` apart (none unless asked for).
func quickSourceConfiguration(
    base: String, maxAttempts: Int = 4, timeoutMs: Int = 3000, backoffMaxMs: Int = 500, slowRetries: Int = 0, slowRetryMs: Int = 3_600_000
) throws -> Data {
    let sources = IntelSourceSpec.defaults(baseURL: base).map { source in
        var quick = source
        quick.timeoutMs = timeoutMs
        quick.connectTimeoutMs = 500
        quick.maxAttempts = maxAttempts
        quick.backoffBaseMs = backoffMaxMs / 5
        quick.backoffMaxMs = backoffMaxMs
        quick.slowRetries = slowRetries
        quick.slowRetryMs = slowRetryMs
        return quick
    }
    struct File: Encodable { var sources: [IntelSourceSpec] }
    return try JSONEncoder().encode(File(sources: sources))
}

/// A port nothing listens on now, on `host` (any loopback address).
func freePort(host: String = "127.0.0.1") throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr(host)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until `vigil serve` answers `/healthz` on `host:port`.
func waitUntilServing(_ port: Int, host: String = "127.0.0.1") async throws {
    for _ in 0..<200 {
        if try await VigilProcess.runTool("curl", ["-sf", "http://\(host):\(port)/healthz"]).contains("ok") { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("vigil serve did not start on \(host):\(port)")
}
