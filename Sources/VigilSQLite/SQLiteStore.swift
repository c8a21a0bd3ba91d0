#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB
import ServiceLifecycle
public import VigilCore
public import VigilStore

/// The embedded default store: one SQLite file in WAL mode, IMMEDIATE write transactions, a busy
/// timeout so that several `vigil` processes share it safely, and versioned migrations.
public final class SQLiteStore: Store, WriteUpkeep {
    let pool: DatabasePool
    /// The response-time targets cases are graded and aged with.
    public let targets: ActionTargets
    /// A connection of its own that copies committed WAL pages into the database file while the pool's
    /// writer goes on writing (see `copyWALToDatabase`).
    private let checkpointer: DatabaseQueue
    /// How many new link keys gather before they move into the large hash index (SQLiteStore+LinkKeys.swift).
    let linkKeysSettleAt: Int
    /// The key the audit chain is anchored with (kept outside the database).
    let auditKey: AuditKey
    /// The most checks one case may have: answers that would plan more are recorded without them (the
    /// answering check's summary says how many were left out), so no answer multiplies research without bound.
    public let maxChecksPerCase: Int

    /// The default of `maxChecksPerCase`.
    public static let defaultMaxChecksPerCase = 500

    /// Opens (creating and migrating if needed) the database at `path`, its audit chain anchored with
    /// `auditKey`, by default the key in the file beside the database (`AuditKey.defaultPath`, created with
    /// a new key when missing).
    public convenience init(
        path: String, targets: ActionTargets = .standard, auditKey: AuditKey? = nil,
        maxChecksPerCase: Int = defaultMaxChecksPerCase
    ) throws {
        try self.init(
            path: path, targets: targets, linkKeysSettleAt: 16_384,
            auditKey: auditKey ?? AuditKey.load(path: AuditKey.defaultPath(database: path)), maxChecksPerCase: maxChecksPerCase)
    }

    /// Opens the database, moving new link keys into the large hash index `linkKeysSettleAt` at a time.
    init(path: String, targets: ActionTargets, linkKeysSettleAt: Int, auditKey: AuditKey, maxChecksPerCase: Int = defaultMaxChecksPerCase) throws {
        self.linkKeysSettleAt = linkKeysSettleAt
        self.auditKey = auditKey
        self.maxChecksPerCase = maxChecksPerCase
        _ = SQLiteProcessConfiguration.applied
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // 8 KiB pages for a new database (an existing one keeps its own): a referral row with its
            // ~1.5 KB payload wasted a quarter of each 4 KiB page (docs/DECISIONS.md, BENCHMARKS.md).
            try db.execute(sql: "PRAGMA page_size = 8192")
            // WAL + NORMAL: a commit survives a crash of the process (not of the machine's power).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Imports dirty the same index pages chunk after chunk; checkpointing every 16,384 pages of WAL
            // (128 MiB at 8 KiB) instead of every 1,000 copies each such page into the database file once,
            // not every chunk. (The checkpointer connection below normally copies far sooner.)
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            // Every connection's page cache is 8 MiB: a 1,000-record import transaction dirties about 4 MiB,
            // so the writer never spills mid-transaction, and pages it drops come back from the OS's cache (a
            // 32 MiB writer cache imported a file no faster). Temporary storage stays SQLite's default: a statement's
            // undo information is kept in memory up to 64 KiB, so a per-record savepoint's never leaves it,
            // and only a large statement's (moving 16,384 link keys into their index) goes to a file, which
            // keeps tens of MiB out of a long import's memory (docs/DECISIONS.md, "Bounded imports").
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.targets = targets
        try SQLiteSchema.migrator(auditKey: auditKey, targets: targets).migrate(pool)
        var checkpointing = Configuration()
        checkpointing.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -1024") }
        checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
    }

    /// Copies the WAL's committed pages into the database file from the checkpointer's own connection:
    /// a passive checkpoint, which neither waits for nor blocks the writer. An import runs it between its
    /// chunks' writes (`catchUpAfterWrites`), so the writer's automatic checkpoint (every 16,384 pages) finds
    /// little left to copy and the writer spends its time writing. A checkpoint that cannot run now (another
    /// is running) leaves the pages to the next one; nothing is lost either way, so its errors are not reported.
    func copyWALToDatabase() async {
        _ = try? await checkpointer.writeWithoutTransaction { try $0.checkpoint(.passive) }
    }

    /// Copies the pages earlier chunks committed from the WAL into the database file.
    public func catchUpAfterWrites() async {
        await copyWALToDatabase()
    }

    /// Runs until the process shuts down gracefully, then copies the WAL's committed pages into the
    /// database file, so a stopped server leaves the file whole for a backup or a copy.
    public func run() async throws {
        try? await gracefulShutdown()
        await copyWALToDatabase()
    }

    /// Runs `work` in one IMMEDIATE transaction: it takes the write lock at its start, so concurrent
    /// writers (threads or processes) queue on the busy timeout instead of failing mid-transaction.
    func writeImmediate<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try work(db)
                return .commit
            }
            return result!
        }
    }

    /// Throws `notFound` unless the case exists.
    static func requireCase(_ db: Database, _ id: CaseID) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [id.rawValue]) else {
            throw StoreError(.notFound, "no case \(id)")
        }
        return row
    }
}
