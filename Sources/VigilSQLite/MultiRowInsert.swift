import GRDB
import VigilStore

/// An INSERT that writes many rows of one table with one statement: `INSERT OR FAIL … VALUES (…), (…), …`.
/// Each statement SQLite runs opens its table's and indexes' cursors, checks its foreign keys' counters
/// and closes them all again; a case's dozen check rows inserted one statement each paid that a dozen
/// times (docs/BENCHMARKS.md). A statement of several rows would also get a statement journal
/// (a copy of each page it touches) if a row could fail it halfway: so the tables it fills defer their
/// foreign keys to the commit (migration v10) and the statement says `OR FAIL` (a failing row ends the
/// statement and the caller's transaction or savepoint is rolled back anyway).
///
/// The row template names the values every row shares as `?1`…`?S` and marks each row's own values with a
/// bare `?`, e.g. `(?1, ?, ?, 'pending', ?, ?2, ?2)`. The statements for 1…`rowsPerStatement` rows are
/// written once, here; a longer list of rows takes several statements.
struct MultiRowInsert: Sendable {
    /// The most rows one statement inserts: enough for a case's checks, facts or keys in one go, few
    /// enough that the statements stay small in the connection's cache.
    static let rowsPerStatement = 16

    private let sqlByRowCount: [String]
    private let sharedCount: Int
    /// How many of each row's values are its own (the template's bare `?`).
    let rowWidth: Int

    /// `prefix` is the statement up to `VALUES`; `rowTemplate` one row as described above, with
    /// `sharedCount` shared values.
    init(_ prefix: String, rowTemplate: String, sharedCount: Int) {
        let pieces = rowTemplate.split(separator: "?", omittingEmptySubsequences: false)
        // A shared value's `?N` splits into a piece starting with its digits; a row's own `?` into one that does not.
        let ownValues = pieces.dropFirst().filter { !($0.first?.isNumber ?? false) }.count
        self.sharedCount = sharedCount
        self.rowWidth = ownValues
        sqlByRowCount = (0...Self.rowsPerStatement).map { rows in
            var next = sharedCount
            let values = (0..<rows).map { _ in
                var row = String(pieces[0])
                for piece in pieces.dropFirst() {
                    if piece.first?.isNumber ?? false {
                        row += "?" + piece
                    } else {
                        next += 1
                        row += "?\(next)" + piece
                    }
                }
                return row
            }
            return prefix + " VALUES " + values.joined(separator: ", ")
        }
    }

    /// Inserts the rows whose own values follow one another in `rowValues` (`rowWidth` per row), with
    /// `shared` bound to `?1`…`?S` of every statement.
    func run(_ db: Database, shared: [BoundValue], rowValues: [BoundValue]) throws {
        precondition(shared.count == sharedCount && rowValues.count % rowWidth == 0, "values do not fit the row template")
        var start = rowValues.startIndex
        while start < rowValues.endIndex {
            let end = min(start + Self.rowsPerStatement * rowWidth, rowValues.endIndex)
            try db.cachedStatement(sql: sqlByRowCount[(end - start) / rowWidth]).run(values: shared + rowValues[start..<end])
            start = end
        }
    }
}
