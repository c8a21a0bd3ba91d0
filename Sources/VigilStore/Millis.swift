#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// Dates as stored: integer milliseconds since 1970 UTC.
extension Date {
    /// Milliseconds since 1970, rounded.
    var millis: Int64 { Timestamp.millis(self) }

    /// A date from stored milliseconds.
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
