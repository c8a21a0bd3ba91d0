/// A JSON Lines file cut at line ends into parts that a client sends as separate requests: a server
/// takes bodies up to a size limit, and it parses one request while it stores another.
public struct JSONLinesPart: Sendable, Equatable {
    /// The number of the part's first line in the file.
    public var firstLine: Int
    /// The number of its last line.
    public var lastLine: Int
    /// The part's bytes: whole lines, each with its line end.
    public var bytes: ArraySlice<UInt8>

    /// Cuts `data`, whose first line is the file's line `firstLine`, into consecutive parts of at most
    /// `maxLines` lines; a part also ends once it holds `maxBytes` or more (a single line longer than that
    /// is a part of its own). Blank lines count, so every part's line numbers are the file's.
    public static func split(_ data: [UInt8], firstLine: Int = 1, maxLines: Int, maxBytes: Int) -> [JSONLinesPart] {
        precondition(maxLines > 0 && maxBytes > 0, "parts must hold something")
        return data.withUnsafeBufferPointer { bytes -> [JSONLinesPart] in
            var parts: [JSONLinesPart] = []
            var (partStart, partFirstLine) = (0, firstLine)
            var (lineStart, line) = (0, firstLine)
            while lineStart < bytes.count {
                let lineEnd = bytes.endOfLine(from: lineStart)
                if line - partFirstLine + 1 == maxLines || lineEnd - partStart >= maxBytes || lineEnd == bytes.count {
                    parts.append(JSONLinesPart(firstLine: partFirstLine, lastLine: line, bytes: data[partStart..<lineEnd]))
                    (partStart, partFirstLine) = (lineEnd, line + 1)
                }
                (lineStart, line) = (lineEnd, line + 1)
            }
            return parts
        }
    }
}
