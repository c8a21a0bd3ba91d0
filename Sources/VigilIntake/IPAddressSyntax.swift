#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Validates IP address text with the C library's own parser.
enum IPAddressSyntax {
    /// True for a dotted-quad IPv4 or any IPv6 text form `inet_pton` accepts, and nothing more: the text
    /// must be hex digits, dots and colons only, since `inet_pton` stops reading at a NUL and would accept
    /// `198.51.100.7\u{0}<anything>`.
    static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45,
            text.utf8.allSatisfy({ byte in
                (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte) || byte == 0x2E || byte == 0x3A
            })
        else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
