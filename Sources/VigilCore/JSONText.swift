/// Writing JSON text by hand where an encoder would be too slow (the import hot path) or not needed.
public enum JSONText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string literal, escaping only what JSON requires. Runs of bytes that
    /// need no escape are copied whole.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                appendEscape(byte, to: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(contentsOf: "u00".utf8)
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
    }

    /// A JSON object from members whose values are already JSON text, keys sorted; nil values are left out.
    public static func object(_ members: [(String, String?)]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(members.reduce(2) { $0 + $1.0.utf8.count + ($1.1?.utf8.count ?? 0) + 4 })
        var first = true
        for (key, value) in members.sorted(by: { $0.0 < $1.0 }) {
            guard let value else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a JSON string literal.
    public static func string(_ text: String) -> String {
        var out: [UInt8] = []
        appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes `{"name":{…}}`: one object inside a one-member object, members appended in the order given
    /// (callers give them in sorted key order, so the text is canonical), nil values left out.
    public struct ObjectWriter {
        private var out: [UInt8] = []
        private var first = true

        /// An empty writer.
        public init() {
            out.reserveCapacity(160)
        }

        /// Starts the outer object and its one member, `name`.
        public mutating func open(_ name: String) {
            out.append(UInt8(ascii: "{"))
            appendString(name, to: &out)
            out.append(contentsOf: ":{".utf8)
        }

        /// A string member, unless `value` is nil.
        public mutating func string(_ key: String, _ value: String?) {
            guard let value else { return }
            self.key(key)
            appendString(value, to: &out)
        }

        /// An integer member, unless `value` is nil.
        public mutating func number(_ key: String, _ value: Int?) {
            guard let value else { return }
            self.key(key)
            out.append(contentsOf: String(value).utf8)
        }

        /// An array-of-strings member.
        public mutating func strings(_ key: String, _ values: [String]) {
            self.key(key)
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }

        /// Ends both objects and returns the text.
        public consuming func close() -> String {
            out.append(contentsOf: "}}".utf8)
            return String(decoding: out, as: UTF8.self)
        }

        private mutating func key(_ key: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
        }
    }
}
