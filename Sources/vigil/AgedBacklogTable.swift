import VigilCore
import VigilStore

/// The aged-backlog matrix for a terminal: a row per effective grade, a column per waiting band; a
/// cell reads `12 (3 overdue)`.
enum AgedBacklogTable {
    /// The matrix as aligned text with row and column totals.
    static func render(_ aged: AgedBacklog) -> String {
        let header = ["EFFECTIVE"] + WaitingBand.allCases.map(\.label) + ["TOTAL"]
        let rows = Grade.allCases.reversed().map { grade in
            let cells = WaitingBand.allCases.map { aged.cell(grade, $0) }
            return [grade.label] + cells.map(text) + ["\(cells.reduce(0) { $0 + $1.cases })"]
        }
        let totals =
            ["ALL"]
            + WaitingBand.allCases.map { band in
                "\(Grade.allCases.reduce(0) { $0 + aged.cell($1, band).cases })"
            } + ["\(aged.total)"]
        return
            (BacklogTable.aligned([header] + rows + [totals])
            + ["as of \(Timestamp.format(aged.asOf)); (n overdue): cases past their grade's target"]).joined(separator: "\n")
    }

    private static func text(_ cell: AgedBacklogCell) -> String {
        cell.overdue > 0 ? "\(cell.cases) (\(cell.overdue) overdue)" : "\(cell.cases)"
    }
}
