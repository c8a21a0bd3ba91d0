/// How a batch's records are laid out, told from its format and first line.
public enum BatchLayout: Sendable, Equatable {
    /// One JSON record per line.
    case jsonLines
    /// One JSON array of records.
    case jsonArray
    /// CSV with a header row (P2P only).
    case csv
    /// XML records (`cybertip-xml` only).
    case xml

    /// The layout of a batch that begins with `prefix` (its first line at least, when it has one; a
    /// leading byte order mark and blank lines are skipped). `[` first is a JSON array. For P2P a first line
    /// without a `{` is a CSV header. Everything else is JSON Lines, so a first record that is not JSON is
    /// that record's error and the records after it still land.
    public static func of(_ prefix: ArraySlice<UInt8>, format: IntakeFormat) -> BatchLayout {
        if format == .cybertipXML { return .xml }
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var start = prefix.startIndex
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        guard let first = prefix[start...].firstIndex(where: { !blank.contains($0) }) else { return .jsonLines }
        if prefix[first] == UInt8(ascii: "[") { return .jsonArray }
        guard format == .p2p else { return .jsonLines }
        let line = prefix[first...].prefix { $0 != 0x0A }
        return line.contains(UInt8(ascii: "{")) ? .jsonLines : .csv
    }
}
