#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One grading of a case: the grade, the policy that produced it, the path taken as its explanation,
/// and the facts the path read.
public struct RiskAssessment: Sendable, Hashable, Codable {
    /// The grade the tree reached.
    public var grade: Grade
    /// The policy id, e.g. `vigil-1`.
    public var policy: String
    /// The path through the tree, e.g. `1:no 2:no 3:access=yes(check:social-care) behaviour=no → High`.
    public var path: String
    /// True while any of the case's checks is pending or running, or has failed: research that failed is
    /// not research done.
    public var provisional: Bool
    /// The sources of the checks still outstanding, sorted.
    public var pendingChecks: [String]
    /// The sources with a check that failed for good, sorted.
    public var failedChecks: [String]
    /// Every fact the path read, with its combined value.
    public var factsUsed: [String: CombinedFact]
    /// When the assessment was made.
    public var at: Date

    /// Creates an assessment.
    public init(
        grade: Grade, policy: String, path: String, provisional: Bool, pendingChecks: [String], failedChecks: [String] = [],
        factsUsed: [String: CombinedFact], at: Date
    ) {
        self.grade = grade
        self.policy = policy
        self.path = path
        self.provisional = provisional
        self.pendingChecks = pendingChecks
        self.failedChecks = failedChecks
        self.factsUsed = factsUsed
        self.at = at
    }
}
