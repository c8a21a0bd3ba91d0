import Foundation
import VigilCore
import VigilStore

/// The human form of backlog entries: one aligned row per case.
enum BacklogTable {
    /// Renders entries as a table with a header, judged at `asOf`.
    static func render(_ entries: [BacklogEntry], asOf: Date) -> String {
        let header = ["#", "CASE", "GRADE", "EFFECTIVE", "ACCESS", "YOUNGEST", "WAITING", "DUE", "FLAGS", "CLAIMED BY", "REFS"]
        let rows = entries.map { entry in
            [
                entry.position.map(String.init) ?? "-",
                entry.caseId.description,
                (entry.imminentDanger ? "IMMINENT " : "") + entry.grade.label + (entry.provisional ? "*" : "")
                    + (entry.researchFailed.isEmpty ? "" : "!"),
                entry.effectiveGrade == entry.grade ? "" : entry.effectiveGrade.label + " (aged)",
                entry.childAccess.rawValue,
                entry.youngestChildAge.map(String.init) ?? "-",
                duration(asOf.timeIntervalSince(entry.receivedAt)),
                (entry.overdue ? "OVERDUE " : "") + Timestamp.format(entry.dueAt),
                flags(entry.flags),
                entry.claimedBy ?? "",
                entry.refs.prefix(2).joined(separator: ",") + (entry.refs.count > 2 ? ",+\(entry.refs.count - 2)" : ""),
            ]
        }
        return
            (aligned([header] + rows) + [
                "(* provisional: research outstanding; ! research incomplete: checks failed; IMMINENT: a child reported in immediate danger, first whatever else is known)"
            ])
            .joined(separator: "\n")
    }

    /// Rows as lines with every column padded to its widest cell, each cell escaped (a field's newline or
    /// terminal codes cannot break the table).
    static func aligned(_ cells: [[String]]) -> [String] {
        let rows = cells.map { $0.map(DisplayText.escaped) }
        let widths = (rows.first ?? []).indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
    }

    /// Flags as `socialCare:open!` (the `!` marks an overdue flag).
    static func flags(_ flags: [FlagSummary]) -> String {
        flags.map { "\($0.kind.rawValue):\($0.state.rawValue)\($0.overdue ? "!" : "")" }.joined(separator: " ")
    }

    /// A waiting time as `3d 4h`, `5h 12m` or `42m`.
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = max(0, Int(seconds / 60))
        let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(mins)m" }
        return "\(mins)m"
    }
}
