public import Foundation

/// Fixed instants tests build their data around, so that no test depends on today's date.
public enum TestInstants {
    /// 2026-03-01T00:00:00Z.
    public static let t0 = Date(timeIntervalSince1970: 1_772_323_200)
    /// One day, in seconds.
    public static let day: TimeInterval = 86_400
}
