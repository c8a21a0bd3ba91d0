import VigilCore

/// A syntax error in a JSON text, with the line it was found on.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// 1-based line of the offending byte.
    public var line: Int
    /// What is wrong.
    public var message: String
}

/// A strict JSON parser over UTF-8 bytes that reports lines and can split a top-level array into
/// its elements with their start lines and exact bytes.
public struct JSONParser {
    private let bytes: [UInt8]
    private var index: Int
    private var line: Int
    private var depth = 0
    private static let maxDepth = 128
    /// The most members one object may have: records are small objects, and a cap bounds the work one
    /// record can cause (canonical text, digest, duplicate check).
    public static let maxMembers = 1_000

    /// Creates a parser over `bytes[range]`; `firstLine` is the line number of its first byte.
    public init(bytes: [UInt8], range: Range<Int>? = nil, firstLine: Int = 1) {
        self.bytes = bytes
        self.index = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.line = firstLine
    }

    private let end: Int

    /// Parses exactly one value, with nothing but white space around it.
    public mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == end else { throw error("unexpected text after the JSON value") }
        return value
    }

    private var peek: UInt8? { index < end ? bytes[index] : nil }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: message) }

    private mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let matches = word.withUTF8Buffer { expected in
            index + expected.count <= end && bytes[index..<index + expected.count].elementsEqual(expected)
        }
        guard matches else { throw error("invalid literal") }
        index += word.utf8CodeUnitCount
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members = JSONMembers()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        members.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after member name") }
            index += 1
            skipWhitespace()
            members.append(key, try parseValue())
            guard members.count <= Self.maxMembers else { throw error("an object has more than \(Self.maxMembers) members") }
            skipWhitespace()
            guard let next = peek else { throw error("unterminated object") }
            index += 1
            if next == UInt8(ascii: "}") {
                if let name = members.firstDuplicateName() {
                    throw error("member '\(DisplayText.echoed(name))' is given twice in one object")
                }
                return .object(members)
            }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}' in object") }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard let next = peek else { throw error("unterminated array") }
            index += 1
            if next == UInt8(ascii: "]") { return .array(items) }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in array") }
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, first >= 48, first <= 57 else { throw error("invalid number") }
        if first == 48 {
            index += 1
        } else {
            skipDigits()
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw error("invalid number") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw error("invalid number") }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek, byte >= 48, byte <= 57 { index += 1 }
        return index - start
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        var everyBit: UInt8 = 0
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw error("control character in string") }
            everyBit |= byte
            index += 1
        }
        if peek == UInt8(ascii: "\"") {
            // ASCII is valid UTF-8 as it stands, and decoding it skips the generic validation, which
            // looked up type metadata at run time for every string of every record.
            let text =
                everyBit < 0x80
                ? String(decoding: bytes[start..<index], as: UTF8.self)
                : String(validating: bytes[start..<index], as: UTF8.self)
            index += 1
            guard let text else { throw error("invalid UTF-8 in string") }
            return text
        }
        var scalars = String.UnicodeScalarView()
        guard let prefix = String(validating: bytes[start..<index], as: UTF8.self) else {
            throw error("invalid UTF-8 in string")
        }
        scalars.append(contentsOf: prefix.unicodeScalars)
        var pending: [UInt8] = []
        func flush() throws(JSONSyntaxError) {
            guard !pending.isEmpty else { return }
            guard let text = String(validating: pending, as: UTF8.self) else { throw error("invalid UTF-8 in string") }
            scalars.append(contentsOf: text.unicodeScalars)
            pending.removeAll(keepingCapacity: true)
        }
        while true {
            guard let byte = peek else { throw error("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                guard let escape = peek else { throw error("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
                default: throw error("invalid escape in string")
                }
            default:
                guard byte >= 0x20 else { throw error("control character in string") }
                pending.append(byte)
            }
        }
    }

    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800..<0xDC00).contains(high) {
            guard index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in string")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            else { throw error("unpaired surrogate in string") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("unpaired surrogate in string") }
        return scalar
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= end else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 65...70: digit = byte - 55
            case 97...102: digit = byte - 87
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
