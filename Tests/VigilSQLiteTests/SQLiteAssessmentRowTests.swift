import Foundation
import GRDB
import Testing
import VigilCore
@testable import VigilSQLite
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("SQLite assessment rows")
struct SQLiteAssessmentRowTests {
    @Test("an assessment row keeps every fact the path read, names sorted, as a JSON object of path texts")
    func factsUsedColumn() async throws {
        let (path, dispose) = try scratchDatabasePath()
        defer { dispose() }
        let store = try SQLiteStore(path: path)
        _ = try await store.importReferrals([submission("A", facts: [.sexualCommunicationWithChild])], sources: [], now: t0)
        let stored = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT facts_used FROM assessments") }
        #expect(
            stored == #"{"childAccessHousehold":"unknown","childAccessOccupation":"unknown","childAccessOther":"unknown","#
                + #""contactAbuseIndicators":"unknown","identifiedChildVictim":"unknown","imminentDanger":"unknown","#
                + #""sexualCommunicationWithChild":"yes(referral)","sexualOffenceHistory":"unknown"}"#)
    }

}
