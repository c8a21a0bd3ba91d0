#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The phased decision tree `vigil-1`: four phases asked in order; the path taken is the explanation.
public enum RiskTree {
    /// The policy id stored with every assessment.
    public static let policy = "vigil-1"

    /// Grades a fact set. `pendingChecks` (research under way) and `failedChecks` (research that failed)
    /// make the assessment provisional.
    public static func assess(_ facts: FactSet, pendingChecks: [String], failedChecks: [String] = [], at: Date) -> RiskAssessment {
        var used: [String: CombinedFact] = [:]
        used.reserveCapacity(FactKind.allCases.count)
        func read(_ fact: FactKind) -> CombinedFact {
            let value = facts[fact]
            used[fact.rawValue] = value
            return value
        }
        func readAll(_ list: [FactKind]) -> CombinedFact {
            CombinedFact.any(list.map(read))
        }
        var steps: [String] = []
        let grade: Grade = {
            let danger = read(.imminentDanger)
            steps.append("1:\(danger.pathText)")
            if danger.value == .yes { return .veryHigh }

            let history = read(.sexualOffenceHistory)
            let access = readAll(FactKind.accessFacts)
            let behaviour = readAll(FactKind.behaviourFacts)
            let accessOrBehaviour = "access=\(access.pathText) behaviour=\(behaviour.pathText)"
            steps.append("2:\(history.pathText)")
            if history.value == .yes {
                steps.append(accessOrBehaviour)
                return access.value == .yes || behaviour.value == .yes ? .veryHigh : .high
            }

            steps.append("3:\(accessOrBehaviour)")
            switch (access.value == .yes, behaviour.value == .yes) {
            case (true, true): return .veryHigh
            case (true, false), (false, true): return .high
            case (false, false): break
            }

            let distribution = read(.distribution)
            let other = read(.otherRiskFactors)
            steps.append("4:distribution=\(distribution.pathText) otherRiskFactors=\(other.pathText)")
            return distribution.value == .yes || other.value == .yes ? .medium : .low
        }()
        let path = steps.joined(separator: " ") + " → \(grade.label)"
        let pending = pendingChecks.sorted()
        let failed = Array(Set(failedChecks)).sorted()
        return RiskAssessment(
            grade: grade, policy: policy, path: path, provisional: !pending.isEmpty || !failed.isEmpty, pendingChecks: pending,
            failedChecks: failed, factsUsed: used, at: at
        )
    }
}
