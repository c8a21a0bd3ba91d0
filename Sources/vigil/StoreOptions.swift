import ArgumentParser
import Foundation
import VigilCore
import VigilSQLite
import VigilStore

/// `--db PATH` (default `vigil.sqlite`, or the `VIGIL_DB` environment variable) and the audit key that
/// anchors its audit chain.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file (default: $VIGIL_DB or vigil.sqlite).")
    var db: String?

    @Option(
        help:
            "File holding the audit key, 64 hex digits (default: $VIGIL_AUDIT_KEY_FILE, else <db>.audit-key, created when missing; $VIGIL_AUDIT_KEY gives the key itself)."
    )
    var auditKeyFile: String?

    @Option(
        help: "The most checks one case may have (1–100000); answers that would plan more are recorded without them.",
        transform: NumberOption.whole(1...100_000))
    var maxChecksPerCase = SQLiteStore.defaultMaxChecksPerCase

    /// The database path in force.
    var path: String { db ?? ProcessInfo.processInfo.environment["VIGIL_DB"] ?? "vigil.sqlite" }

    /// The default place of the database's exported audit checkpoint: beside it.
    var checkpointPath: String { path + ".audit-checkpoint.json" }

    /// The audit key in force: `$VIGIL_AUDIT_KEY`, else the key file.
    func auditKey() throws -> AuditKey {
        let environment = ProcessInfo.processInfo.environment
        if auditKeyFile == nil, let hex = environment["VIGIL_AUDIT_KEY"] {
            guard let key = AuditKey(hex: hex) else { throw ValidationError("$VIGIL_AUDIT_KEY must be 64 hex digits") }
            return key
        }
        do {
            return try AuditKey.load(path: auditKeyFile ?? environment["VIGIL_AUDIT_KEY_FILE"] ?? AuditKey.defaultPath(database: path))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Opens the store.
    func open() throws -> any Store {
        let key = try auditKey()
        do {
            return try SQLiteStore(path: path, auditKey: key, maxChecksPerCase: maxChecksPerCase)
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
