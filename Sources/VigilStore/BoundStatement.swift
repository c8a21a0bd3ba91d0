import GRDB
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

    /// 1 or 0.
    static func boolean(_ value: Bool) -> BoundValue { .integer(value ? 1 : 0) }
}

/// SQLite's `SQLITE_TRANSIENT` (copy the bytes before returning), which C defines as a cast macro.
private let copyBytes = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Statement {
    /// Runs this statement once with `values` bound straight through SQLite's C API. GRDB's
    /// `execute(arguments:)` converts every argument through `DatabaseValue` first, which cost the
    /// import about a quarter of each insert; this is for statements executed thousands of times a
    /// second with plain integers and text.
    func run(_ values: BoundValue...) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .integer(let number): code = sqlite3_bind_int64(handle, position, number)
            case .null: code = sqlite3_bind_null(handle, position)
            case .text(var text):
                code = text.withUTF8 { bytes in
                    sqlite3_bind_text(handle, position, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                      Int32(bytes.count), copyBytes)
                }
            }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: sql) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(handle)
    }
}
