import Foundation
import Crypto
import VigilCore

/// The secret that anchors the audit chain outside the database: every entry's hash is an HMAC under it,
/// and so is every exported checkpoint. Whoever can write the database but not read the key cannot
/// forge, re-hash or append entries that `vigil audit verify` accepts. The key never enters the database.
public struct AuditKey: Sendable {
    let key: SymmetricKey

    /// A key from 32 bytes written as 64 hex digits (the key file's content, or `$VIGIL_AUDIT_KEY`).
    public init?(hex: String) {
        let text = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        key = SymmetricKey(data: bytes)
    }

    /// A new random key.
    public static func generate() -> AuditKey {
        AuditKey(hex: SymmetricKey(size: .bits256).withUnsafeBytes { HexText.lowercase(raw: $0) })!
    }

    /// The key in the file at `path`; a missing file is created first with a new key, readable by its
    /// owner only.
    public static func load(path: String) throws -> AuditKey {
        if !FileManager.default.fileExists(atPath: path) {
            let fresh = generate()
            let text = fresh.key.withUnsafeBytes { HexText.lowercase(raw: $0) } + "\n"
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw StoreError(.invalidState, "cannot create the audit key file \(path)")
            }
        }
        guard let data = FileManager.default.contents(atPath: path), let key = AuditKey(hex: String(decoding: data, as: UTF8.self)) else {
            throw StoreError(.invalidState, "the audit key file \(path) must hold 64 hex digits")
        }
        return key
    }

    /// The default key file of a database: beside it, `<database>.audit-key`.
    public static func defaultPath(database: String) -> String { database + ".audit-key" }

    /// HMAC-SHA256 of `text` under the key, as lowercase hex.
    public func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key).withUnsafeBytes { HexText.lowercase(raw: $0) }
    }
}
