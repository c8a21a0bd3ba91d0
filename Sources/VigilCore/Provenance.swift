/// Where a fact, child or flag came from: `referral`, `check:<source>`, `officer:<user>` or `case:<earlier case>`.
public struct Provenance: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The canonical text form, e.g. `check:social-care`.
    public let rawValue: String

    /// Creates a provenance from its text form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The referral itself carried the fact.
    public static let referral = Provenance(rawValue: "referral")

    /// An intelligence check of the named source revealed the fact.
    public static func check(_ source: String) -> Provenance { Provenance(rawValue: "check:\(source)") }

    /// An officer's action or finding.
    public static func officer(_ name: String) -> Provenance { Provenance(rawValue: "officer:\(name)") }

    /// An earlier, closed case of the same subject (`case:C-000042`).
    public static func earlierCase(_ id: CaseID) -> Provenance { Provenance(rawValue: "case:\(id)") }

    /// True for an officer's finding (`officer:<user>`).
    public var isOfficer: Bool { rawValue.hasPrefix("officer:") }

    public var description: String { rawValue }

    public static func < (lhs: Provenance, rhs: Provenance) -> Bool { lhs.rawValue < rhs.rawValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
}
