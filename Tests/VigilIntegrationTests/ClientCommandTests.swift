import Foundation
import Hummingbird
import Logging
import Testing
import VigilCore
import VigilIntake
import VigilServer
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("the CLI as a client of vigil serve", .serialized)
struct ClientCommandTests {
    /// Runs `body` with the base URL of a live `vigil serve` API on a loopback port over `store`.
    func withLoopbackServer(_ store: SQLiteStore, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        var logger = Logger(label: "client-test")
        logger.logLevel = .critical
        let port = AnnouncedPort()
        let application = try VigilAPI.application(
            store: store, sources: [], host: "127.0.0.1", port: 0, logger: logger,
            onRunning: { await port.set($0) })
        try await withRunningServices([application], logger: logger) {
            try await body("http://127.0.0.1:\(await port.get())")
        }
    }

    /// A SQLite store in `folder` for a server to serve, with an importer ("imp") and its token.
    func servedStore(in folder: TemporaryFolder) async throws -> (SQLiteStore, String) {
        let store = try SQLiteStore(path: folder.path("served.sqlite"))
        let importer = AccessToken.generate()
        _ = try await store.addUser(name: "imp", role: .importer, tokenHash: AccessToken.hash(importer), now: Date())
        return (store, importer)
    }

    @Test("import, next, backlog and show go through the API with --server/--token or VIGIL_SERVER/VIGIL_TOKEN")
    func throughTheServer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, importer) = try await servedStore(in: folder)
        let investigator = AccessToken.generate()
        _ = try await store.addUser(name: "dc-example", role: .investigator, tokenHash: AccessToken.hash(investigator), now: Date())
        try await withLoopbackServer(store) { server in
            let batch = VigilProcess.samples.appendingPathComponent("bad/nca-mixed.jsonl").path
            let imported = try await VigilProcess.run(["import", "--server", server, "--token", importer, batch, "--format", "nca", "--json"])
            #expect(imported.status == 2)
            let report = try VigilProcess.json(imported)
            #expect(report["accepted"] as? Int == 3 && report["rejected"] as? Int == 5)
            #expect(((report["records"] as? [[String: Any]])?.first?["file"] as? String) == batch)
            #expect(try await store.backlog(asOf: Date(), limit: nil).count == 1, "the server stored them, linked by their shared account")

            let claimed = try await VigilProcess.run(["next", "--server", server, "--token", investigator, "--json"])
            let claimedCase = (try VigilProcess.json(claimed)["case"] as? [String: Any])
            #expect(claimedCase?["claimedBy"] as? String == "dc-example")
            let id = try #require(claimedCase?["caseId"] as? String)

            let environment = ["VIGIL_SERVER=\(server)", "VIGIL_TOKEN=\(investigator)"]
            let backlog = try await VigilProcess.run(["backlog", "--json"], environment: environment)
            #expect((try VigilProcess.json(backlog)["cases"] as? [Any])?.count == 1)
            let shown = try await VigilProcess.run(["show", id], environment: environment)
            #expect(shown.status == 0 && shown.stdout.hasPrefix(id), "\(shown.stdout)\(shown.stderr)")
            #expect(try await store.audit(caseId: CaseID(text: id)).map(\.action) == ["case.claim", "case.show"])

            let refused = try await VigilProcess.run(["backlog"], environment: ["VIGIL_SERVER=\(server)", "VIGIL_TOKEN=\(importer)"])
            #expect(refused.status == 1 && refused.stderr.contains("may not readCases") && !refused.stderr.contains("Usage"))
        }
    }

    @Test("vigil import --server sends a CyberTipline XML file as text/xml, and refuses a report directory")
    func xmlThroughTheServer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (store, importer) = try await servedStore(in: folder)
        try await withLoopbackServer(store) { server in
            let batch = VigilProcess.samples.appendingPathComponent("cybertip-xml/reports.xml").path
            let imported = try await VigilProcess.run([
                "import", "--server", server, "--token", importer, batch, "--format", "cybertip-xml", "--json",
            ])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try VigilProcess.json(imported)["accepted"] as? Int == 11)
            #expect(try await store.backlog(asOf: Date(), limit: nil).count == 11)
            let directory = VigilProcess.samples.appendingPathComponent("cybertip-xml/report-900000140").path
            let refused = try await VigilProcess.run(["import", "--server", server, "--token", importer, directory, "--format", "cybertip-xml"])
            #expect(refused.status == 1 && refused.stderr.contains("is a report directory"))
        }
    }

    /// Each record of a `--json` import report as its line, ref, status and errors.
    private func records(_ run: VigilProcess.Outcome) throws -> [[String]] {
        (try VigilProcess.json(run)["records"] as? [[String: Any]] ?? []).map { record in
            let errors = (record["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? ""): \($0["message"] ?? "")" }
            return ["\(record["line"] ?? "")", "\(record["ref"] ?? "")", "\(record["status"] ?? "")"] + errors
        }
    }

    @Test(
        "vigil import --server streams a JSON array, CSV or XML file in one request: the report and the rejections told are the local import's",
        arguments: [("nca-array.json", "nca"), ("bad/p2p-mixed.csv", "p2p"), ("cybertip-xml/invalid.xml", "cybertip-xml")])
    func streamedFile(sample: String, format: String) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let batch = VigilProcess.samples.appendingPathComponent(sample).path
        let local = try await VigilProcess.run(["import", "--db", folder.path("local.sqlite"), batch, "--format", format, "--json"])
        let localText = try await VigilProcess.run(["import", "--db", folder.path("local-text.sqlite"), batch, "--format", format])
        let (store, importer) = try await servedStore(in: folder)
        try await withLoopbackServer(store) { server in
            let sent = try await VigilProcess.run(["import", "--server", server, "--token", importer, batch, "--format", format, "--json"])
            #expect(sent.status == local.status)
            #expect(try records(sent) == records(local))
            #expect(try !records(sent).isEmpty)
            let again = try await VigilProcess.run(["import", "--server", server, "--token", importer, batch, "--format", format])
            #expect(again.stderr == localText.stderr, "each rejected record is told with its file and line, as locally")
            #expect(again.stdout.contains("0 accepted"), "sent again, every good record is a duplicate: \(again.stdout)")
        }
    }

    @Test("vigil import --server sends a JSON Lines file in parts: the report is the local import's, line for line")
    func importInParts() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let batch = VigilProcess.samples.appendingPathComponent("bad/nca-mixed.jsonl").path
        let local = try await VigilProcess.run(["import", "--db", folder.path("local.sqlite"), batch, "--format", "nca", "--json"])
        let (store, importer) = try await servedStore(in: folder)
        try await withLoopbackServer(store) { server in
            let parted = try await VigilProcess.run([
                "import", "--server", server, "--token", importer, batch, "--format", "nca",
                "--lines-per-request", "2", "--json",
            ])
            #expect(parted.status == 2 && local.status == 2)
            let (partedRecords, localRecords) = (try records(parted), try records(local))
            #expect(partedRecords == localRecords, "\(partedRecords)\n\(localRecords)")
            #expect(partedRecords.count == 8)
            let stored = try await store.backlog(asOf: Date(), limit: nil)
            #expect(stored.count == 1, "the parts' referrals landed and linked as one case")
            let refused = try await VigilProcess.run([
                "import", "--server", server, "--token", "wrong", batch, "--format", "nca",
                "--lines-per-request", "4",
            ])
            #expect(refused.status == 1)
            #expect(
                refused.stderr.contains("\(batch), lines 1-4: ") && refused.stderr.contains("(HTTP 401); nothing of these lines was imported")
                    && refused.stderr.contains(
                        "\(batch), lines 5 to the end: not acknowledged: not sent, since the server refused this token or its role"),
                "\(refused.stderr)")
        }
    }

    @Test("vigil backlog --server follows the API's pages: 1,250 cases arrive once each, numbered on; --limit stops early")
    func pagedBacklog() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("paged.sqlite"))
        let token = AccessToken.generate()
        _ = try await store.addUser(name: "sup", role: .supervisor, tokenHash: AccessToken.hash(token), now: Date())
        let header =
            "leadId,tool,network,detectedAt,ipAddress,port,clientId,firstSeen,lastSeen,observationCount,knownFileCount,"
            + "categoryACount,country,region,isp,geoAsOf"
        let rows = (1...1250).map { index in
            "P2P-PAGE-\(index),SampleSeeker 2.0,eD2k,2026-09-09T12:00:00Z,2001:db8::\(String(index, radix: 16)),49884,"
                + "c\(String(format: "%015x", index)),2026-08-17T02:00:00Z,2026-09-08T02:00:00Z,12,9,1,GB,Exampleshire,Example Broadband,2026-09-07"
        }
        let outcomes = try await store.importReferrals(
            try BatchReader.read(Array(([header] + rows).joined(separator: "\n").utf8), format: .p2p, now: Date()).map { try $0.result.get() },
            sources: [], now: Date())
        #expect(outcomes.count == 1250)
        try await withLoopbackServer(store) { server in
            let environment = ["VIGIL_SERVER=\(server)", "VIGIL_TOKEN=\(token)"]
            let asOf = "2026-11-23T09:00:00Z"
            let listed = try VigilProcess.json(try await VigilProcess.run(["backlog", "--json", "--as-of", asOf], environment: environment))
            let cases = try #require(listed["cases"] as? [[String: Any]])
            let expected = try await store.backlog(asOf: try Timestamp.parse(asOf).get(), limit: nil)
            #expect(expected.count == 1250)
            #expect(cases.compactMap { $0["caseId"] as? String } == expected.map(\.caseId.description))
            #expect(cases.compactMap { $0["position"] as? Int } == Array(1...1250))
            #expect(listed["next"] == nil)
            let limited = try VigilProcess.json(try await VigilProcess.run(["backlog", "--json", "--limit", "1100"], environment: environment))
            #expect((limited["cases"] as? [Any])?.count == 1100)
        }
    }
}
