/// A case's identity: a positive integer shown as `C-000042`.
public struct CaseID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The integer key.
    public let rawValue: Int64

    /// Wraps an integer key.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses `C-000042`, `c-42` or `42`.
    public init?(text: String) {
        var digits = Substring(text)
        if let first = digits.first, first == "C" || first == "c" {
            digits = digits.dropFirst()
            if digits.first == "-" { digits = digits.dropFirst() }
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value > 0 else { return nil }
        rawValue = value
    }

    public var description: String {
        let digits = String(rawValue)
        return "C-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    public static func < (lhs: CaseID, rhs: CaseID) -> Bool { lhs.rawValue < rhs.rawValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CaseID(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad case id \(text)"))
        }
        self = id
    }
}
