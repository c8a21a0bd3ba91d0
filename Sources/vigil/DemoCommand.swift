import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilImport
import VigilIntake
import VigilIntel
import VigilIntelStub
import VigilSQLite
import VigilStore

/// `vigil demo`: the stub in-process, the samples imported, research run to idle, the backlog before and after.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Import the bundled samples into a fresh database, research them against the in-process stub, "
            + "and print the backlog before and after."
    )

    @Option(help: "Database to create (replaced if it exists).")
    var db = "out/demo.sqlite"

    @Option(help: "The samples folder.")
    var samples = "Samples"

    @Option(help: "Stub latency per answer, milliseconds.", transform: NumberOption.latencyMs)
    var latencyMs = 100

    @Option(help: "Checks in flight at once.", transform: NumberOption.concurrency)
    var concurrency = 128

    @Option(help: "Cases shown in each backlog listing.", transform: NumberOption.listCount)
    var top = 15

    mutating func run() async throws {
        let folder = URL(fileURLWithPath: samples)
        let fixtures = try loadFixtures(folder.appendingPathComponent("intel-fixtures.json").path)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: db).deletingLastPathComponent(), withIntermediateDirectories: true)
        var targets = ActionTargets.standard
        let holidays = folder.appendingPathComponent("bank-holidays-england-wales.txt").path
        if let text = try? String(contentsOfFile: holidays, encoding: .utf8), case .success(let days) = WorkingCalendar.bankHolidays(fromList: text) {
            targets.calendar.bankHolidays = days
        }
        let store = try SQLiteStore(path: db, targets: targets)
        let logger = Logger.vigil("vigil.demo")
        let stub = IntelStubServer(options: .init(fixtures: fixtures, latencyMs: latencyMs), logger: logger)
        let engine = CurlEngine(logger: logger)
        let batches: [(String, IntakeFormat)] = [
            ("nca-packages.jsonl", .nca), ("nca-array.json", .nca), ("nca-case-studies.jsonl", .nca),
            ("p2p-leads.jsonl", .p2p), ("p2p-leads.csv", .p2p), ("p2p-case-studies.jsonl", .p2p), ("cybertip-xml/reports.xml", .cybertipXML),
        ]
        let (top, concurrency, db) = (top, concurrency, db)
        try await OneShotService.run(with: [stub, engine], logger: logger) {
            let base = "http://127.0.0.1:\(await stub.port())"
            try await withAlertDelivery(store: store, engine: engine, url: base + "/_alerts", logger: logger) {
                let sources = IntelSourceSpec.defaults(baseURL: base)
                let pipeline = ImportPipeline(store: store, sources: sources)
                for (name, format) in batches {
                    guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                        throw ValidationError("cannot read \(name) in \(folder.path)")
                    }
                    var accepted = 0
                    try await pipeline.run(try BatchReader.open(Array(data), format: format, now: Date())) { _, outcomes in
                        accepted += outcomes.filter { if case .accepted? = $0 { true } else { false } }.count
                    }
                    print("imported \(name): \(accepted) referrals")
                }
                let before = try await store.backlog(asOf: Date(), limit: nil)
                print("\nBacklog at intake — graded on arrival, research not yet done (top \(top) of \(before.count)):")
                print(BacklogTable.render(Array(before.prefix(top)), asOf: Date()))

                let clock = ContinuousClock()
                let started = clock.now
                try await ResearchWorker(
                    store: store, engine: engine, sources: sources,
                    configuration: .init(concurrency: concurrency, untilIdle: true), logger: logger
                ).run()
                let seconds = (clock.now - started).seconds
                let after = try await store.backlog(asOf: Date(), limit: nil)
                print(
                    "\nResearch: \(stub.log.entries.count) source requests answered in \(String(format: "%.1f", seconds)) s "
                        + "(\(concurrency) at once, \(stub.log.peakInFlight) in flight at the peak).")
                print(DemoSummary.changes(before: before, after: after))
                print("\nBacklog after research (top \(top) of \(after.count)):")
                print(BacklogTable.render(Array(after.prefix(top)), asOf: Date()))
                let deadline = Date() + 30
                while try await store.alertCounts()[.pending] ?? 0 > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
                let alerts = try await store.alertCounts()
                print(
                    "\nAlerts: \(alerts[.delivered] ?? 0) delivered to the stub's webhook (\(base)/_alerts), \(alerts[.pending] ?? 0) pending — "
                        + "Very High grades, imminent danger and every call raised; `vigil alerts --db \(db)` lists them.")
                print("Calls to make: `vigil flags --db \(db)`.")
                print("\nDatabase: \(db) — try `vigil backlog --db \(db)` or `vigil show --db \(db) CASE`.")
                print(
                    "The supervisor's dashboard: `vigil user add NAME --role supervisor --db \(db)` (prints a token), then "
                        + "`vigil serve --db \(db)` and sign in at http://127.0.0.1:8080/ with the token.")
            }
        }
    }
}

/// What research changed, in a few lines.
enum DemoSummary {
    static func changes(before: [BacklogEntry], after: [BacklogEntry]) -> String {
        func count(_ entries: [BacklogEntry], _ grade: Grade) -> Int { entries.filter { $0.grade == grade }.count }
        let grades = Grade.allCases.reversed().map { "\($0.label) \(count(before, $0)) → \(count(after, $0))" }
        let regraded = zip(before.sorted { $0.caseId < $1.caseId }, after.sorted { $0.caseId < $1.caseId })
            .filter { $0.grade != $1.grade }.count
        let flags = { (entries: [BacklogEntry]) in entries.flatMap(\.flags).count }
        return "Grades: " + grades.joined(separator: ", ") + "\n"
            + "\(regraded) cases re-graded; provisional \(before.filter(\.provisional).count) → \(after.filter(\.provisional).count); "
            + "safeguarding flags \(flags(before)) → \(flags(after))."
    }
}
