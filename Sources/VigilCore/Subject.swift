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
