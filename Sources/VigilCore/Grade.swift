#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A risk grade of the `vigil-1` decision tree, ordered from lowest to highest.
public enum Grade: Int, Sendable, Comparable, CaseIterable, Codable {
    case low = 0
    case medium = 1
    case high = 2
    case veryHigh = 3

    /// The grade's name in every machine-readable format (`veryHigh`, `high`, `medium`, `low`).
    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .veryHigh: "veryHigh"
        }
    }

    /// The grade as people read it ("Very High").
    public var label: String {
        switch self {
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        case .veryHigh: "Very High"
        }
    }

    /// Parses a machine name case-insensitively.
    public init?(name: String) {
        guard let grade = Grade.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = grade
    }

    /// The grade one band up for ageing: Low → Medium, Medium → High; High and Very High stay.
    /// Ageing never promotes to Very High, which is reserved for risk.
    public var agedPromotion: Grade {
        switch self {
        case .low: .medium
        case .medium: .high
        case .high, .veryHigh: self
        }
    }

    /// The grades whose overdue cases a supervisor's overview lists first: a target of a day or a week.
    public static let urgent: [Grade] = [.veryHigh, .high]

    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Encodes the grade by its machine name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Decodes a grade from its machine name.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let grade = Grade(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown grade \(text)"))
        }
        self = grade
    }
}
