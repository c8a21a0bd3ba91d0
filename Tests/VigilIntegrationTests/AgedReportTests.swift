import Foundation
import Testing
import VigilCore
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("vigil backlog --aged")
struct AgedReportTests {
    @Test("the table, the JSON and the CSV carry the store's matrix; the total is the backlog's size")
    func agedFormats() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("aged.sqlite")
        _ = try await VigilProcess.run([
            "import", "--db", db, VigilProcess.samples.appendingPathComponent("nca-packages.jsonl").path, "--format", "nca",
        ])
        let asOf = "2026-11-23T09:00:00Z"
        let moment = try Timestamp.parse(asOf).get()
        let expected = try await SQLiteStore(path: db).agedBacklog(asOf: moment)
        let backlogSize = try await SQLiteStore(path: db).backlog(asOf: moment, limit: nil).count

        let json = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", db, "--aged", "--json", "--as-of", asOf]))
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.map { $0["cases"] as? Int } == expected.cells.map(\.cases))
        #expect(cells.map { $0["overdue"] as? Int } == expected.cells.map(\.overdue))
        #expect(cells.compactMap { $0["cases"] as? Int }.reduce(0, +) == backlogSize)

        let csv = try await VigilProcess.run(["backlog", "--db", db, "--aged", "--csv", "--as-of", asOf])
        let rows = csv.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",") }
        #expect(
            rows.map { "\($0[1]) \($0[2]) \($0[4]) \($0[5])" }
                == expected.cells.map { "\($0.effectiveGrade.name) \($0.band.name) \($0.cases) \($0.overdue)" })

        let table = try await VigilProcess.run(["backlog", "--db", db, "--aged", "--as-of", asOf])
        let all = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("ALL") })
        #expect(all.split(separator: " ").last.map(String.init) == "\(backlogSize)")
        #expect(try await VigilProcess.run(["backlog", "--db", db, "--csv"]).status == 1, "--csv needs --aged")
    }
}
