#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The order of the calls list (`vigil flags`, the dashboard): overdue calls first, then the soonest due,
/// then the case's backlog order, so the call about the child most at risk comes first among equals.
public struct CallOrder: Sendable, Hashable, Comparable {
    /// True when the call's due time has passed.
    public var overdue: Bool
    /// When the call is due.
    public var dueAt: Date
    /// The case's backlog key.
    public var backlog: BacklogKey

    /// Creates the key.
    public init(overdue: Bool, dueAt: Date, backlog: BacklogKey) {
        self.overdue = overdue
        self.dueAt = dueAt
        self.backlog = backlog
    }

    public static func < (lhs: CallOrder, rhs: CallOrder) -> Bool {
        if lhs.overdue != rhs.overdue { return lhs.overdue }
        if lhs.dueAt != rhs.dueAt { return lhs.dueAt < rhs.dueAt }
        return lhs.backlog < rhs.backlog
    }
}
