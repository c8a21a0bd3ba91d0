#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Dates as stored: integer milliseconds since 1970 UTC.
extension Date {
    /// Milliseconds since 1970, rounded.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// A date from stored milliseconds.
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
