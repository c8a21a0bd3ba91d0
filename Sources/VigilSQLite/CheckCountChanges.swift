import GRDB
import VigilCore
import VigilStore

/// The changes a write makes to the per-source, per-state check counts (`check_counts`), applied in the
/// same transaction with one statement per source and state touched. The counts let the dashboard and
/// `/metrics` read research status without counting a million check rows. (Triggers would keep them
/// too, but a trigger gives every insert a statement journal, which made imports five times slower.)
struct CheckCountChanges {
    /// One row of `check_counts`.
    private struct Count: Hashable {
        var source: String
        var state: CheckState
    }

    private var deltas: [Count: Int] = [:]

    /// Records a check of `source` leaving state `from` (nil: created) for `to`.
    mutating func moved(_ source: String, from: CheckState?, to: CheckState) {
        guard from != to else { return }
        if let from { deltas[Count(source: source, state: from), default: 0] -= 1 }
        deltas[Count(source: source, state: to), default: 0] += 1
    }

    /// Applies the changes to `check_counts`.
    func apply(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO check_counts (source, state, n) VALUES (?, ?, ?)
                ON CONFLICT (source, state) DO UPDATE SET n = n + excluded.n
                """)
        for (count, delta) in deltas where delta != 0 {
            try statement.execute(arguments: [count.source, count.state.rawValue, delta])
        }
    }
}
