import CSQLiteConfig

/// SQLite's process-wide settings, which take effect only if applied before the process's first
/// connection opens (`SQLiteStore.init` applies them first). Each connection is used by one GRDB queue at
/// a time, so SQLite's own per-connection mutex and its allocation counter under a process-wide mutex only
/// cost time: together ~3% of an import's CPU, most of it on the writer (measured in `bench http-import`).
enum SQLiteProcessConfiguration {
    /// True when both settings took effect; false when SQLite was already in use (they are then left as
    /// SQLite's defaults, which are correct, only slower).
    static let applied: Bool = vigil_sqlite3_config_multithread() == SQLITE_OK && vigil_sqlite3_config_no_memstatus() == SQLITE_OK
}
