import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Clients that hold connections open without finishing a request.
@Suite("slow clients")
struct SlowClientTests {
    /// A blocking TCP connection to a loopback port.
    final class Connection {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Sends text; false once the server has closed the connection.
        func send(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } > 0
        }

        /// True when the server has closed its side (a read returns end of file or an error other than a timeout).
        func isClosedByServer() -> Bool {
            var byte: UInt8 = 0
            let read = recv(socket, &byte, 1, 0)
            return read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }

        deinit { close(socket) }
    }

    @Test("a client sending one header line at a time is closed once the idle timeout passes, however often it sends")
    func slowHeaders() async throws {
        try await APIHarness.run(.live, idleTimeout: .seconds(1)) { api in
            let port = Int(api.base.split(separator: ":").last!)!
            let slow = try (0..<4).map { _ in try Connection(port: port) }
            for connection in slow { #expect(connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")) }
            let started = ContinuousClock.now
            var open = slow
            while !open.isEmpty, ContinuousClock.now - started < .seconds(6) {
                try await Task.sleep(for: .milliseconds(300))
                open = open.filter { $0.send("X-Slow: 1\r\n") && !$0.isClosedByServer() }
            }
            #expect(open.isEmpty, "every slow connection was closed")
            #expect(ContinuousClock.now - started < .seconds(4), "within a few seconds of a one-second timeout")
            #expect(try await api.call("GET", "/healthz", as: nil).status == 200, "others are still served")
        }
    }
}
