import Foundation
import VigilCore
public import VigilStore

/// The aged-backlog matrix as CSV (`GET /reports/aged-backlog.csv`, `vigil backlog --aged --csv`): one
/// row per effective grade and waiting band, with the same figures as the dashboard's matrix. Every cell
/// goes through `CSVCell`, so no cell can read as a spreadsheet formula.
public enum AgedBacklogCSV {
    /// The CSV text, header first: `as_of,effective_grade,waiting_band,band_label,cases,overdue`.
    public static func text(_ aged: AgedBacklog) -> String {
        let asOf = Timestamp.format(aged.asOf)
        let rows = aged.cells.map { cell in
            CSVCell.row([asOf, cell.effectiveGrade.name, cell.band.name, cell.band.label, String(cell.cases), String(cell.overdue)])
        }
        return (["as_of,effective_grade,waiting_band,band_label,cases,overdue"] + rows).joined(separator: "\r\n") + "\r\n"
    }
}
