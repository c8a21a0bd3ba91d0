import Foundation
import GRDB
import Testing
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("SQLite WAL copying")
struct SQLiteCheckpointTests {
    @Test("catching up after writes copies the committed pages from the WAL into the database file")
    func committedPagesReachTheDatabaseFile() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        let lead = { (ref: String) in submission(ref, source: .p2p) }
        _ = try await store.importReferrals([lead("FIRST-1"), lead("FIRST-2")], sources: [], now: t0)
        await store.catchUpAfterWrites()
        _ = try await store.importReferrals([lead("SECOND-1")], sources: [], now: t0)

        // The database file alone, without its WAL, must already hold the first chunk: far fewer pages than
        // the writer's automatic checkpoint waits for (16,384) have been written. The second chunk came after.
        let copy = path + "-main-only"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let refs = try await DatabaseQueue(path: copy).read { try String.fetchAll($0, sql: "SELECT ref FROM referrals ORDER BY ref") }
        #expect(refs == ["FIRST-1", "FIRST-2"])
    }
}
