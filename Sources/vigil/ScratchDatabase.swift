import Foundation
import VigilCore
import VigilSQLite
import VigilStore

/// A database file in a fresh temporary folder, removed when the benchmark ends.
struct ScratchDatabase {
    /// The folder holding the database and its WAL files.
    let folder: URL

    /// Creates the folder.
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The database path.
    var path: String { folder.appendingPathComponent("bench.sqlite").path }

    /// Deletes the folder.
    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// A store in the scratch file holding `packages` synthetic NCA packages (refs `PREFIX-…`), imported
    /// through the real pipeline, planning checks from `sources`.
    func seededStore(packages: Int, prefix: String, sources: [IntelSourceSpec] = []) async throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        try await seed(store, packages: packages, prefix: prefix, sources: sources)
        return store
    }
}
