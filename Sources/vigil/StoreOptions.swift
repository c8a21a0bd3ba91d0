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

    /// Opens the store.
    func open() throws -> any Store {
        let key = try auditKey()
        let targets = try targets()
        do {
            return try SQLiteStore(path: path, targets: targets, auditKey: key, maxChecksPerCase: maxChecksPerCase)
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
