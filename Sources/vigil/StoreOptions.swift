import ArgumentParser
import Foundation
import VigilCore
import VigilPostgres
import VigilSQLite
import VigilStore

/// `--db PATH` (default `vigil.sqlite`, or the `VIGIL_DB` environment variable) and the audit key that
/// anchors its audit chain.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file, or postgres://user@host:port/database (default: $VIGIL_DB or vigil.sqlite).")
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

    @Option(
        help:
            "Bank holidays the LADO's working-day deadline skips: one YYYY-MM-DD per line (default: $VIGIL_BANK_HOLIDAYS; Samples/bank-holidays-england-wales.txt lists England and Wales 2026–2027). Without one only weekends are skipped."
    )
    var bankHolidays: String?

    @Option(
        help:
            "Working hours, HH:MM-HH:MM local time: the LADO is due at their end on the next working day; outside them social care is its emergency duty team."
    )
    var workingHours = "09:00-17:00"

    @Option(help: "Hours from raising a social-care flag to its call being due (1–168).", transform: NumberOption.whole(1...168))
    var socialCareDueHours = 24

    /// The database in force: a SQLite file, or a `postgres://` address.
    var path: String { db ?? ProcessInfo.processInfo.environment["VIGIL_DB"] ?? "vigil.sqlite" }

    /// True when the store is on PostgreSQL.
    var isPostgres: Bool { PostgresLocation.isPostgres(path) }

    /// The default place of the exported audit checkpoint: beside the SQLite file; for a PostgreSQL store,
    /// beside its audit key file (or in the working folder when the key is in `$VIGIL_AUDIT_KEY`), named
    /// after the database, so that two databases worked from one folder or with one key never share a
    /// checkpoint (each would take the other's for a tampered log).
    var checkpointPath: String {
        guard isPostgres else { return path + ".audit-checkpoint.json" }
        let database = (try? PostgresLocation(path))?.database ?? "postgres"
        let name = String(database.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return (auditKeyPath ?? "vigil") + ".\(name).audit-checkpoint.json"
    }

    /// The audit key file named by `--audit-key-file` or `$VIGIL_AUDIT_KEY_FILE`.
    private var auditKeyPath: String? { auditKeyFile ?? ProcessInfo.processInfo.environment["VIGIL_AUDIT_KEY_FILE"] }

    /// The audit key in force: `$VIGIL_AUDIT_KEY`, else the key file. A PostgreSQL store has no file of its
    /// own to keep one beside, and every host must hold the same key, so it needs one named.
    func auditKey() throws -> AuditKey {
        let environment = ProcessInfo.processInfo.environment
        if auditKeyFile == nil, let hex = environment["VIGIL_AUDIT_KEY"] {
            guard let key = AuditKey(hex: hex) else { throw ValidationError("$VIGIL_AUDIT_KEY must be 64 hex digits") }
            return key
        }
        guard let file = auditKeyPath ?? (isPostgres ? nil : AuditKey.defaultPath(database: path)) else {
            throw ValidationError(
                "a PostgreSQL store needs its audit key named, the same on every host: --audit-key-file, $VIGIL_AUDIT_KEY_FILE or $VIGIL_AUDIT_KEY")
        }
        do {
            return try AuditKey.load(path: file)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The response-time targets in force: the standard grade targets, the social-care hours, and the
    /// working-day calendar of the bank-holiday list and working hours.
    func targets() throws -> ActionTargets {
        var calendar = WorkingCalendar()
        let hours = workingHours.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard hours.count == 2, hours.allSatisfy({ $0.count == 2 && (0..<24).contains($0[0]) && (0..<60).contains($0[1]) }),
            hours[0][0] * 60 + hours[0][1] < hours[1][0] * 60 + hours[1][1]
        else { throw ValidationError("--working-hours: '\(workingHours)' is not HH:MM-HH:MM with the start before the end") }
        calendar.dayStartMinutes = hours[0][0] * 60 + hours[0][1]
        calendar.dayEndMinutes = hours[1][0] * 60 + hours[1][1]
        if let list = bankHolidays ?? ProcessInfo.processInfo.environment["VIGIL_BANK_HOLIDAYS"] {
            guard let text = try? String(contentsOfFile: list, encoding: .utf8) else {
                throw ValidationError("cannot read the bank-holiday list \(list)")
            }
            switch WorkingCalendar.bankHolidays(fromList: text) {
            case .success(let days): calendar.bankHolidays = days
            case .failure(let error): throw ValidationError("bank-holiday list \(list), \(error)")
            }
        }
        var targets = ActionTargets.standard
        targets.socialCareFlag = TimeInterval(socialCareDueHours) * 3600
        targets.calendar = calendar
        return targets
    }

    /// Opens the store (migrating it if needed). A PostgreSQL store's connection pool runs only while its
    /// `run()` does: a long-running command puts it first in its `ServiceGroup`, others use `withStore`.
    func open() async throws -> any Store {
        let key = try auditKey()
        let targets = try targets()
        do {
            if isPostgres {
                return try await PostgresStore.open(
                    try PostgresLocation(path), targets: targets, auditKey: key, maxChecksPerCase: maxChecksPerCase)
            }
            return try SQLiteStore(path: path, targets: targets, auditKey: key, maxChecksPerCase: maxChecksPerCase)
        } catch {
            throw ValidationError("cannot open database \(isPostgres ? (try? PostgresLocation(path).description) ?? path : path): \(error)")
        }
    }

    /// Runs `body` with the store open, its connection pool (PostgreSQL) running for the duration and the
    /// audit entries it wrote sealed before it returns.
    func withStore<T: Sendable>(_ body: (any Store) async throws -> T) async throws -> T {
        let store = try await open()
        guard let postgres = store as? PostgresStore else { return try await body(store) }
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await postgres.run() }
            defer { group.cancelAll() }
            let result = try await body(store)
            try await postgres.sealAudit()
            return result
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
