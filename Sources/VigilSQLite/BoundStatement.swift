import GRDB
import VigilStore
import GRDBSQLite

/// One value bound to a statement parameter on the import hot path.
enum BoundValue {
    case integer(Int64)
    case text(String)
    case null

    /// An integer, or NULL for nil.
    static func integer(_ value: Int?) -> BoundValue { value.map { .integer(Int64($0)) } ?? .null }

    /// An integer millisecond time, or NULL for nil.
    static func integer(_ value: Int64?) -> BoundValue { value.map { .integer($0) } ?? .null }

    /// Text, or NULL for nil.
    static func text(_ value: String?) -> BoundValue { value.map { .text($0) } ?? .null }

    /// 1 or 0.
    static func boolean(_ value: Bool) -> BoundValue { .integer(value ? 1 : 0) }
}

/// The current row of a statement stepped through SQLite's C API, read column by column (0-based).
struct SteppedRow {
    fileprivate let handle: OpaquePointer

    /// The column as an integer (0 for NULL).
    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The column as an integer, or nil for NULL.
    func optionalInteger(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    /// The column as text ("" for NULL).
    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    /// The column as text, or nil for NULL.
    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
    }
}

extension Statement {
    /// Runs this statement once with `values` bound straight through SQLite's C API. GRDB's
    /// `execute(arguments:)` converts every argument through `DatabaseValue` first, which cost the
    /// import about a quarter of each insert; this is for statements executed thousands of times a
    /// second with plain integers and text.
    func run(_ values: BoundValue...) throws {
        try run(values: values)
    }

    /// Runs this statement once with `values` bound to its parameters in order.
    func run(values: [BoundValue]) throws {
        try forEachRow(values) { _ in }
    }

    /// Runs this query with `values` bound through SQLite's C API and hands each result row to `body`,
    /// without GRDB's per-row `Row` objects (re-assessing a joined case reads all its fact rows on the
    /// import hot path).
    func forEachRow(_ values: BoundValue..., body: (SteppedRow) throws -> Void) throws {
        try forEachRow(values, body: body)
    }

    private func forEachRow(_ values: [BoundValue], body: (SteppedRow) throws -> Void) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        // The texts are bound in place (not copied), so no binding may outlive this call.
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(values, from: 0, to: handle) {
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else {
                    let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
                }
                try body(SteppedRow(handle: handle))
            }
        }
    }

    /// Binds `values[index...]` and runs `step` while they are bound. A text is bound as a pointer to its
    /// own UTF-8 bytes (`SQLITE_STATIC`), valid only inside its `withUTF8`, so each binding nests the next:
    /// copying every text into memory SQLite allocates (`SQLITE_TRANSIENT`) was a sixth of each check insert.
    private func bind(_ values: [BoundValue], from index: Int, to handle: OpaquePointer, then step: () throws -> Void) throws {
        guard index < values.count else { return try step() }
        let position = Int32(index + 1)
        let code: Int32
        switch values[index] {
        case .integer(let number): code = sqlite3_bind_int64(handle, position, number)
        case .null: code = sqlite3_bind_null(handle, position)
        case .text(var text):
            return try text.withUTF8 { bytes in
                let code = sqlite3_bind_text(
                    handle, position, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    Int32(bytes.count), nil)
                guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: sql) }
                try bind(values, from: index + 1, to: handle, then: step)
            }
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: sql) }
        try bind(values, from: index + 1, to: handle, then: step)
    }
}
