#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A source failing now: checks whose last attempt failed and that wait for a retry, with the newest
/// error. The supervisor's dashboard lists these beside the counts of checks that failed for good.
public struct SourceTrouble: Sendable, Hashable {
    /// The source's name.
    public var source: String
    /// Pending checks of the source whose last attempt failed.
    public var retrying: Int
    /// The error of the retrying check due latest (the most recent failure).
    public var lastError: String
    /// When the first of those checks runs again.
    public var nextAttemptAt: Date

    /// Creates the value.
    public init(source: String, retrying: Int, lastError: String, nextAttemptAt: Date) {
        self.source = source
        self.retrying = retrying
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
    }
}
