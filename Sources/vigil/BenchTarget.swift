import ArgumentParser
import Foundation
import VigilCore
import VigilImport
import VigilIntake
import VigilPostgres
import VigilSQLite
import VigilStore

/// Where a benchmark stores: a scratch SQLite file (removed afterwards), or, with `--db`, an empty
/// PostgreSQL database the benchmark fills.
struct BenchTarget: ParsableArguments {
    @Option(help: "An empty PostgreSQL database (postgres://user@host:port/db) to run on instead of a scratch SQLite file.")
    var db: String?

    /// True when the benchmark runs on PostgreSQL.
    var isPostgres: Bool { db != nil }

    /// Runs `body` with the store, its pool (PostgreSQL) holding up to `connections` connections and running
    /// for the duration.
    func withStore<T: Sendable>(connections: Int = 8, _ body: (any Store) async throws -> T) async throws -> T {
        try await withStores(1, connections: connections) { try await body($0[0]) }
    }

    /// Runs `body` with `count` stores on one database, as `count` processes would have them: on SQLite
    /// each with connections of its own to the scratch file, on PostgreSQL each with a pool of its own,
    /// running for the duration.
    func withStores<T: Sendable>(_ count: Int, connections: Int = 8, _ body: ([any Store]) async throws -> T) async throws -> T {
        guard let db else {
            let scratch = try ScratchDatabase()
            defer { scratch.remove() }
            return try await body(try (0..<count).map { _ in try SQLiteStore(path: scratch.path) })
        }
        let location: PostgresLocation
        do {
            location = try PostgresLocation(db)
        } catch {
            throw ValidationError("--db: \(error)")
        }
        let key = AuditKey.generate()
        var stores: [PostgresStore] = []
        for _ in 0..<count { stores.append(try await PostgresStore.open(location, auditKey: key, connections: connections)) }
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            for store in stores { group.addTask { try await store.run() } }
            defer { group.cancelAll() }
            return try await body(stores)
        }
    }
}

/// Imports `packages` synthetic NCA packages (refs `PREFIX-…`) into `store` through the real pipeline,
/// planning checks from `sources`.
func seed(_ store: any Store, packages: Int, prefix: String, sources: [IntelSourceSpec] = []) async throws {
    var generator = SyntheticPackages()
    try await ImportPipeline(store: store, sources: sources).run(
        try BatchReader.open(generator.jsonLines(count: packages, prefix: prefix), format: .nca, now: Date())
    ) { _, _ in }
}
