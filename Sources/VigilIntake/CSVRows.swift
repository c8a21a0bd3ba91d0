/// A CSV file (RFC 4180: comma-separated, `"`-quoted cells with `""` for a quote, CRLF or LF line ends)
/// split into rows, one malformed row at a time. A row that breaks the quoting rules (text after a closing
/// quote, a quote that never closes) or that is not UTF-8 is reported as that row's error, and reading
/// resumes at the next physical line after the row's start: one bad cell never hides the rows after it.
struct CSVRows {
    /// One row: its first line, its cells, or why it could not be read.
    struct Row {
        /// The 1-based line the row starts on.
        var line: Int
        /// The cells, or the reason the row is malformed.
        var cells: Result<[String], FieldError>
    }

    private let bytes: [UInt8]
    private var index: Int
    private(set) var line: Int
    private var quoteOpenAtEnd = false

    /// Rows of `bytes` from `start`, whose first line is line `firstLine`.
    init(_ bytes: [UInt8], from start: Int, firstLine: Int = 1) {
        self.bytes = bytes
        self.index = start
        self.line = firstLine
    }

    /// Where the next row starts.
    var offset: Int { index }

    /// Whether the last row read would read the same had more bytes followed: it ended at a line end, or
    /// before the end of the bytes, and no quoted cell in it ran to their end. (Only such a row can be cut
    /// from a batch that is still arriving.)
    var isComplete: Bool { !quoteOpenAtEnd && (index < bytes.count || index > 0 && bytes[index - 1] == 0x0A) }

    /// Makes the next row's first line `line` (a header read apart from the rows after it).
    mutating func numberNextRow(_ line: Int) {
        self.line = line
    }

    /// The next row, nil at the end of the file. A blank line is a row with one empty cell.
    mutating func next() -> Row? {
        quoteOpenAtEnd = false
        guard index < bytes.count else { return nil }
        let rowStart = index
        let rowLine = line
        var cells: [[UInt8]] = []
        while true {
            var cell: [UInt8] = []
            if index < bytes.count, bytes[index] == Self.quote {
                index += 1
                guard let quoted = readQuoted() else {
                    return resynchronise(rowStart, rowLine, "a quoted cell is never closed (a missing '\"')")
                }
                cell = quoted
                if index < bytes.count, !Self.endsCell(bytes[index]) {
                    return resynchronise(rowStart, rowLine, "text follows a quoted cell's closing '\"' (write a quote inside a cell as \"\")")
                }
            } else {
                while index < bytes.count, !Self.endsCell(bytes[index]) {
                    guard bytes[index] != Self.quote else {
                        return resynchronise(rowStart, rowLine, "a '\"' inside an unquoted cell (quote the whole cell and write the quote as \"\")")
                    }
                    cell.append(bytes[index])
                    index += 1
                }
            }
            cells.append(cell)
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if index < bytes.count { skipLineEnd() }
            return finish(rowLine, cells)
        }
    }

    private static let quote = UInt8(ascii: "\"")

    private static func endsCell(_ byte: UInt8) -> Bool { byte == UInt8(ascii: ",") || byte == 0x0A || byte == 0x0D }

    /// The bytes of a quoted cell after its opening quote, up to its closing quote (consumed); nil when
    /// the file ends first. Line ends inside it count as lines.
    private mutating func readQuoted() -> [UInt8]? {
        var cell: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    quoteOpenAtEnd = index == bytes.count
                    return cell
                }
                cell.append(byte)
                index += 1
            } else {
                if byte == 0x0A { line += 1 }
                cell.append(byte)
            }
        }
        quoteOpenAtEnd = true
        return nil
    }

    private mutating func skipLineEnd() {
        if bytes[index] == 0x0D { index += 1 }
        if index < bytes.count, bytes[index] == 0x0A { index += 1 }
        line += 1
    }

    /// A malformed row: reading goes on at the line after the one the row started on.
    private mutating func resynchronise(_ rowStart: Int, _ rowLine: Int, _ reason: String) -> Row {
        index = rowStart
        while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
        line = rowLine
        if index < bytes.count { skipLineEnd() } else { line += 1 }
        return Row(line: rowLine, cells: .failure(FieldError(field: "", message: "malformed CSV row: \(reason)")))
    }

    private func finish(_ rowLine: Int, _ cells: [[UInt8]]) -> Row {
        var texts: [String] = []
        for cell in cells {
            guard let text = String(validating: cell, as: UTF8.self) else {
                return Row(
                    line: rowLine,
                    cells: .failure(
                        FieldError(
                            field: "",
                            message: "the row is not valid UTF-8 (a Latin-1 file? save it as UTF-8)")))
            }
            texts.append(text)
        }
        return Row(line: rowLine, cells: .success(texts))
    }
}
