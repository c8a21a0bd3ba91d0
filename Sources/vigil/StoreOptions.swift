import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `--db PATH` (default `vigil.sqlite`, or the `VIGIL_DB` environment variable).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (default: $VIGIL_DB or vigil.sqlite).")
    var db: String?

    /// The database path in force.
    var path: String { db ?? ProcessInfo.processInfo.environment["VIGIL_DB"] ?? "vigil.sqlite" }

    /// Opens the store.
    func open() throws -> any Store {
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw ValidationError("cannot open database \(path): \(error)")
        }
    }
}

/// Parses a command-line timestamp (RFC 3339 with an offset).
func parseTimestamp(_ text: String, option: String) throws -> Date {
    switch Timestamp.parse(text) {
    case .success(let date): return date
    case .failure(.missingOffset): throw ValidationError("\(option): '\(text)' needs a time zone offset (Z or +01:00)")
    case .failure(.malformed): throw ValidationError("\(option): '\(text)' is not an RFC 3339 timestamp")
    }
}

/// Parses a case id argument.
func parseCaseID(_ text: String) throws -> CaseID {
    guard let id = CaseID(text: text) else { throw ValidationError("'\(text)' is not a case id (e.g. C-000042)") }
    return id
}
