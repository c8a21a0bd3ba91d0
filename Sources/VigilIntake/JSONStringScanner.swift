/// Follows JSON strings through text a byte at a time (quotes and backslash escapes only), so a scanner
/// that looks for structure (`JSONArraySplitter`, `ImportReportReader`) can tell a byte inside a string
/// from one outside without parsing.
public struct JSONStringScanner: Sendable {
    private var inString = false
    private var escaped = false

    /// A scanner outside any string.
    public init() {}

    /// Takes the next byte; true when it is part of a string, its quotes included.
    public mutating func takesString(_ byte: UInt8) -> Bool {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            return true
        }
        guard byte == UInt8(ascii: "\"") else { return false }
        inString = true
        return true
    }
}
