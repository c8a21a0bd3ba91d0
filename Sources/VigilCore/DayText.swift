#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// UTC calendar days as the daily snapshots name them (`2026-11-23`).
public enum DayText {
    private static let secondsPerDay: TimeInterval = 86_400

    /// Midnight UTC of the day holding `date`.
    public static func start(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / secondsPerDay).rounded(.down) * secondsPerDay)
    }

    /// `YYYY-MM-DD` of the UTC day holding `date`.
    public static func format(_ date: Date) -> String {
        String(Timestamp.format(start(of: date)).prefix(10))
    }
}
