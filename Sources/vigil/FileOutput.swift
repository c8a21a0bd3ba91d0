#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VigilCore
import VigilImport
import VigilIntake

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

    /// Prints a rejected record's errors on standard error as `file:line: [ref] field: message`, one line
    /// each.
    static func tellRejected(_ record: ImportReport.Record) {
        for error in record.errors {
            let field = error.field.isEmpty ? "record" : error.field
            standardError(
                "\(record.file):\(record.line): \(record.ref.map { "[\(DisplayText.escaped($0))] " } ?? "")\(field): \(DisplayText.escaped(error.message))\n"
            )
        }
    }
}
