import Foundation
import Logging
import Testing
import VigilCore
import VigilServer
import VigilStore

@Suite("the CLI as a client of vigil serve", .serialized)
struct ClientCommandTests {
    /// Announces the port the test server bound.
    actor Port {
        var value: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
        func set(_ port: Int) { value = port; waiters.forEach { $0.resume(returning: port) }; waiters = [] }
        func get() async -> Int {
            if let value { return value }
            return await withCheckedContinuation { waiters.append($0) }
        }
    }

    @Test("import, next, backlog and show go through the API with --server/--token or VIGIL_SERVER/VIGIL_TOKEN")
    func throughTheServer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path("served.sqlite"))
        let importer = AccessToken.generate()
        let investigator = AccessToken.generate()
        _ = try await store.addUser(name: "imp", role: .importer, tokenHash: AccessToken.hash(importer), now: Date())
        _ = try await store.addUser(name: "dc-example", role: .investigator, tokenHash: AccessToken.hash(investigator), now: Date())
        var logger = Logger(label: "client-test")
        logger.logLevel = .critical
        let port = Port()
        let application = try VigilAPI.application(store: store, sources: [], host: "127.0.0.1", port: 0, logger: logger,
                                               onRunning: { await port.set($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService() }
            defer { group.cancelAll() }
            let server = "http://127.0.0.1:\(await port.get())"
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
}
