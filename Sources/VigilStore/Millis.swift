#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import VigilCore

/// Dates as stored: integer milliseconds since 1970 UTC.
/// Instants as stores keep them: whole milliseconds since 1970.
extension Date {
    /// Milliseconds since 1970, rounded.
    public var millis: Int64 { Timestamp.millis(self) }

    /// A date from stored milliseconds.
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
