#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VigilCore

/// Writing to the terminal and JSON for scripts.
enum FileOutput {
    /// Writes text to standard error.
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when standard error is a terminal (progress is shown only there).
    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// Prints a value as one line of JSON, timestamps as RFC 3339 UTC.
    static func printJSON(_ value: some Encodable) throws {
        print(String(decoding: try VigilJSON.encoder.encode(value), as: UTF8.self))
    }
}
