#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// The aged-backlog matrix by counting ranges of receipt times instead of evaluating every case: for each
/// grade, the receipt times are cut where a waiting band starts and where the grade's target runs out
/// (which is also where Low and Medium are promoted); every case between two cuts shares band, effective
/// grade and overdue, so one count over that range of a (grade, received) index places them all. Every
/// store counts the ranges with its own query.
public struct AgedBacklogRanges: Sendable {
    /// One range to count: the open cases of `grade` received in `[start, end)` milliseconds.
    public struct Range: Sendable, Hashable {
        /// The cases' grade.
        public var grade: Grade
        /// The first receipt time in the range, milliseconds.
        public var start: Int64
        /// The receipt time past the range, milliseconds.
        public var end: Int64
    }

    /// The ranges to count at the matrix's moment.
    public let ranges: [Range]
    private let targets: ActionTargets
    private let asOf: Date

    /// The ranges of the matrix at `asOf`.
    public init(targets: ActionTargets, asOf: Date) {
        self.targets = targets
        self.asOf = asOf
        let now = asOf.millis
        ranges = Grade.allCases.flatMap { grade in
            let targetCut = now - Int64(targets.target(for: grade) * 1000)
            let bandCuts = WaitingBand.allCases.dropFirst().map { now - Int64($0.lowerBound * 1000) + 1 }
            let starts = [Int64.min] + Array(Set(bandCuts + [targetCut])).sorted()
            return starts.indices.map { Range(grade: grade, start: starts[$0], end: $0 + 1 < starts.count ? starts[$0 + 1] : Int64.max) }
        }
    }

    /// The matrix from each range's count (in the order of `ranges`).
    public func matrix(counts: [Int]) -> AgedBacklog {
        var cells: [AgedBacklogCell] = []
        for (range, cases) in zip(ranges, counts) where cases > 0 {
            let sample = Date(millis: range.start == Int64.min ? range.end - 1 : range.start)
            let overdue = asOf > targets.dueAt(grade: range.grade, receivedAt: sample)
            cells.append(
                AgedBacklogCell(
                    effectiveGrade: targets.effectiveGrade(grade: range.grade, receivedAt: sample, asOf: asOf),
                    band: WaitingBand(waited: Double(asOf.millis - sample.millis) / 1000), cases: cases, overdue: overdue ? cases : 0))
        }
        let merged = Dictionary(grouping: cells) { [$0.effectiveGrade.rawValue, $0.band.rawValue] }.values.map { group in
            AgedBacklogCell(
                effectiveGrade: group[0].effectiveGrade, band: group[0].band, cases: group.reduce(0) { $0 + $1.cases },
                overdue: group.reduce(0) { $0 + $1.overdue })
        }
        return AgedBacklog(asOf: asOf, counted: merged)
    }
}
