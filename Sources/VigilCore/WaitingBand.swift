#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How long a case has waited since the force received it, in the bands of the aged-backlog matrix:
/// < 1 day, 1–7 days, 7–14, 14–30, 30–90, 90–365, > 1 year. A band holds its lower bound.
public enum WaitingBand: Int, Sendable, CaseIterable, Codable, Comparable {
    case underOneDay = 0
    case oneToSevenDays
    case sevenToFourteenDays
    case fourteenToThirtyDays
    case thirtyToNinetyDays
    case ninetyToThreeSixtyFiveDays
    case overOneYear

    private static let day: TimeInterval = 86_400

    /// The band's lower bound, seconds of waiting.
    public var lowerBound: TimeInterval {
        switch self {
        case .underOneDay: 0
        case .oneToSevenDays: Self.day
        case .sevenToFourteenDays: 7 * Self.day
        case .fourteenToThirtyDays: 14 * Self.day
        case .thirtyToNinetyDays: 30 * Self.day
        case .ninetyToThreeSixtyFiveDays: 90 * Self.day
        case .overOneYear: 365 * Self.day
        }
    }

    /// The band's upper bound (exclusive), nil for the last.
    public var upperBound: TimeInterval? {
        Self(rawValue: rawValue + 1)?.lowerBound
    }

    /// The band of a wait (a negative wait, a referral received after `asOf`, counts as under a day).
    public init(waited seconds: TimeInterval) {
        self = Self.allCases.last { seconds >= $0.lowerBound } ?? .underOneDay
    }

    /// The band's name in CSV, JSON and links (`lt1d`, `1-7d`, `7-14d`, `14-30d`, `30-90d`, `90-365d`, `gt1y`).
    public var name: String {
        switch self {
        case .underOneDay: "lt1d"
        case .oneToSevenDays: "1-7d"
        case .sevenToFourteenDays: "7-14d"
        case .fourteenToThirtyDays: "14-30d"
        case .thirtyToNinetyDays: "30-90d"
        case .ninetyToThreeSixtyFiveDays: "90-365d"
        case .overOneYear: "gt1y"
        }
    }

    /// The band as people read it ("7–14 days").
    public var label: String {
        switch self {
        case .underOneDay: "< 1 day"
        case .oneToSevenDays: "1–7 days"
        case .sevenToFourteenDays: "7–14 days"
        case .fourteenToThirtyDays: "14–30 days"
        case .thirtyToNinetyDays: "30–90 days"
        case .ninetyToThreeSixtyFiveDays: "90–365 days"
        case .overOneYear: "> 1 year"
        }
    }

    /// The band named `name`.
    public init?(name: String) {
        guard let band = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = band
    }

    /// Orders bands from the shortest wait.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
