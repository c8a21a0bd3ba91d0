/// One cell of a CSV export, written so a spreadsheet reads it as text: a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (which a spreadsheet would run as a formula) gets a leading `'`,
/// and a cell holding a comma, quote or line break is quoted with its quotes doubled (RFC 4180).
public enum CSVCell {
    /// The cell as it goes into a CSV row.
    public static func text(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        var quoted = "\""
        for character in cell {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// A whole row of cells, comma-separated.
    public static func row(_ values: [String]) -> String {
        values.map(text).joined(separator: ",")
    }
}
