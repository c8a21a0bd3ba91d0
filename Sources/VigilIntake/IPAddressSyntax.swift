#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Validates IP address text with the C library's own parser.
enum IPAddressSyntax {
    /// True for a dotted-quad IPv4 or any IPv6 text form `inet_pton` accepts.
    static func isValid(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
