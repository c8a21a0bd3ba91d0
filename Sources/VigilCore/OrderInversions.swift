/// Whether a drain honoured the backlog order: the pairs of claims where a case that ranked ahead of
/// another was claimed only after the other's claim had finished. Claims that overlap in time may finish
/// in either order without an inversion; a claim that begins after another has finished must not take a
/// case that ranked behind it. The same count runs on pgqueuer's dequeues (`Scripts/peers/`).
public enum OrderInversions {
    /// One claim: when it began and ended (on any one clock) and the rank its case had when the drain began.
    public struct Claim: Sendable {
        /// When the claim began.
        public var began: Double
        /// When it ended.
        public var ended: Double
        /// The rank of the case it took (0 first).
        public var rank: Int

        /// A claim of the case at `rank`, between `began` and `ended`.
        public init(began: Double, ended: Double, rank: Int) {
            self.began = began
            self.ended = ended
            self.rank = rank
        }
    }

    /// The number of inverted pairs, in O(n log n) with a Fenwick tree over ranks.
    public static func count(_ claims: [Claim]) -> Int {
        let size = (claims.map(\.rank).max() ?? 0) + 2
        var tree = [Int](repeating: 0, count: size + 1)
        func add(_ rank: Int) {
            var index = rank + 1
            while index <= size {
                tree[index] += 1
                index += index & -index
            }
        }
        func below(_ rank: Int) -> Int {
            var (index, total) = (rank, 0)
            while index > 0 {
                total += tree[index]
                index -= index & -index
            }
            return total
        }
        let byStart = claims.sorted { $0.began > $1.began }
        var (inversions, next) = (0, 0)
        for claim in claims.sorted(by: { $0.ended > $1.ended }) {
            while next < byStart.count, byStart[next].began > claim.ended {
                add(byStart[next].rank)
                next += 1
            }
            inversions += below(claim.rank)
        }
        return inversions
    }
}
