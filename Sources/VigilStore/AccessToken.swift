import Crypto
import VigilCore

/// Bearer tokens: shown to their user once, stored only as a SHA-256 hash.
public enum AccessToken {
    /// A new random token: 32 bytes from the system's secure generator, as 64 hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return HexText.lowercase((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The hash stored for a token.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).withUnsafeBytes { HexText.lowercase(raw: $0) }
    }

    /// Compares two secrets (tokens, MACs) in time that does not depend on where they differ.
    public static func secretsEqual(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Array(left.utf8), Array(right.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
