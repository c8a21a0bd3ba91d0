/// Who or where a fact or child is about: a person (`person:Tess Testcase (DOB 1984-04-04)`), an address
/// (`address:12 Placeholder Close, Sampleford, ZZ1 1AA`) or an online account or P2P client
/// (`account:Example Chat tess-t-4411`). A case joined across two households keeps which child lives
/// where and whose history is whose; grading stays per case.
public struct Subject: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The stored text: the kind, a colon and the label.
    public let rawValue: String

    /// Creates a subject from its stored text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A postal address.
    public static func address(_ address: PostalAddress) -> Subject {
        Subject(rawValue: "address:" + ([address.line1] + [address.town].compactMap { $0 } + [address.postcode]).joined(separator: ", "))
    }

    /// An identified person.
    public static func person(_ person: PersonIdentity) -> Subject {
        Subject(rawValue: "person:\(person.name)" + (person.dateOfBirth.map { " (DOB \($0))" } ?? ""))
    }

    /// An online account or P2P client, named by its service and identifier.
    public static func account(_ text: String) -> Subject { Subject(rawValue: "account:\(text)") }

    /// True for an address.
    public var isAddress: Bool { rawValue.hasPrefix("address:") }

    /// The label after the kind: `12 Placeholder Close, Sampleford, ZZ1 1AA`.
    public var label: String {
        guard let colon = rawValue.firstIndex(of: ":") else { return rawValue }
        return String(rawValue[rawValue.index(after: colon)...])
    }

    /// What two spellings of one subject share: an address's normalised postcode and first line (the
    /// installation-address link key, town ignored), otherwise the text lower-cased with its words joined
    /// by single spaces.
    public var groupKey: String {
        let parts = label.split(separator: ",")
        if isAddress, parts.count >= 2, let key = LinkKey.installationAddress(postcode: String(parts[parts.count - 1]), line1: String(parts[0])) {
            return key.rawValue
        }
        return LinkKey.words(rawValue)
    }

    /// A short stable reference that carries no personal data: 16 hex digits of the FNV-1a hash of
    /// `groupKey`, so two spellings of one address share it. Alerts name a household's call by it, because
    /// webhook bodies leave Vigil and carry no names or addresses.
    public var reference: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in groupKey.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return HexText.lowercase((0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) })
    }

    /// True when `text` names this subject: its stored text or its label, in any case and spacing, or
    /// the same address spelt another way.
    public func isNamed(by text: String) -> Bool {
        let words = LinkKey.words(text)
        if words == LinkKey.words(rawValue) || words == LinkKey.words(label) { return true }
        return isAddress && groupKey == Subject(rawValue: "address:" + text).groupKey
    }

    public var description: String { rawValue }

    public static func < (lhs: Subject, rhs: Subject) -> Bool { lhs.rawValue < rhs.rawValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
}
