import Foundation

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
}
