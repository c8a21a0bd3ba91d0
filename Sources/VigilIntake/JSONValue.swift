import Crypto
import VigilCore

/// A parsed JSON value. Numbers keep their literal text so that nothing is rounded or re-spelled.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONMembers)

    /// The member of an object, nil for anything else or a missing member.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The value as text with object keys sorted and no insignificant white space: equal content,
    /// equal text.
    public var canonicalText: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// The lower-case hex SHA-256 of `canonicalText`: what a stored referral keeps to tell a re-sent
    /// duplicate from a conflicting referral with the same ref.
    public var contentDigest: String {
        SHA256.hash(data: canonicalBytes).withUnsafeBytes { HexText.lowercase(raw: $0) }
    }

    private var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        writeCanonical(into: &out)
        return out
    }

    private func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): JSONText.appendString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            members.forEachSortedByName { name, value in
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendString(name, to: &out)
                out.append(UInt8(ascii: ":"))
                value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
