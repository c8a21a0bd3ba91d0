#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import VigilCore

/// Counts over the open backlog at a moment, for metrics and reports.
public struct BacklogStatistics: Sendable, Hashable {
    /// Open cases by grade.
    public var byGrade: [Grade: Int]
    /// Open cases by effective grade.
    public var byEffectiveGrade: [Grade: Int]
    /// Open cases past their grade's target.
    public var overdue: Int
    /// Open flags by kind.
    public var openFlags: [FlagKind: Int]
    /// Open flags past due.
    public var overdueFlags: Int
    /// Checks by source and state.
    public var checks: [String: [CheckState: Int]]

    /// Creates statistics.
    public init(
        byGrade: [Grade: Int], byEffectiveGrade: [Grade: Int], overdue: Int, openFlags: [FlagKind: Int], overdueFlags: Int,
        checks: [String: [CheckState: Int]]
    ) {
        self.byGrade = byGrade
        self.byEffectiveGrade = byEffectiveGrade
        self.overdue = overdue
        self.openFlags = openFlags
        self.overdueFlags = overdueFlags
        self.checks = checks
    }
}
