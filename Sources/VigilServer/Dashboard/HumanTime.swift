import Foundation
import VigilCore

/// Times and durations as the dashboard prints them for people.
enum HumanTime {
    /// "2026-11-23 09:05" (UTC, as every page says).
    static func moment(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }

    /// A duration in its two largest units: "2 y 35 d", "14 d 3 h", "5 h 12 min", "4 min", "under a minute".
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(max(0, seconds) / 60)
        let (years, days, hours) = (minutes / 525_600, minutes / 1440 % 365, minutes / 60 % 24)
        if years > 0 { return "\(years) y \(days) d" }
        if minutes >= 1440 { return "\(minutes / 1440) d \(hours) h" }
        if minutes >= 60 { return "\(hours) h \(minutes % 60) min" }
        return minutes > 0 ? "\(minutes) min" : "under a minute"
    }
}
