import Foundation
import Logging
import Testing
import VigilCore
import VigilIntelStub
import VigilSQLite
import VigilStore
import VigilTesting
#if canImport(Glibc)
import Glibc
#endif

/// Alerts delivered by real `vigil serve` processes to a loopback webhook (the in-process stub), and the
/// safeguarding commands around them.
@Suite("alerts and calls from the command line", .serialized)
struct AlertCommandTests {
    /// Runs `body` with the stub serving in-process (answers and the alert webhook after `latencyMs`).
    static func withStub(latencyMs: Int = 0, _ body: @escaping @Sendable (IntelStubServer, Int) async throws -> Void) async throws {
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let stub = IntelStubServer(options: .init(latencyMs: latencyMs), logger: logger)
        try await withRunningServices([stub], logger: logger) {
            try await body(stub, await stub.port())
        }
    }

    @Test("kill -9 of vigil serve with alerts undelivered: after a restart every alert is delivered, none lost")
    func killBetweenCommitAndDelivery() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await Self.withStub(latencyMs: 150) { stub, port in
            let config = folder.path("sources.json")
            try quickSourceConfiguration(base: "http://127.0.0.1:\(port)").write(to: URL(fileURLWithPath: config))
            let db = folder.path("a.sqlite")
            let packages = VigilProcess.samples.appendingPathComponent("nca-packages.jsonl").path
            #expect(try await VigilProcess.run(["import", "--db", db, packages, "--format", "nca"]).status == 0)
            let committed = try await SQLiteStore(path: db).alertCounts()
            #expect((committed[.pending] ?? 0) >= 100 && committed[.delivered] == nil, "committed, none delivered: \(committed)")

            let serve = ["serve", "--db", db, "--port", "0", "--intel-config", config, "--alert-url", "http://127.0.0.1:\(port)/_alerts"]
            let first = try VigilProcess.start(serve)
            #expect(try await eventually(60) { stub.alerts.all.count >= 20 }, "delivery began")
            kill(first.0.processIdentifier, SIGKILL)
            _ = await VigilProcess.finish(first)
            let afterKill = try await SQLiteStore(path: db).alertCounts()
            #expect((afterKill[.pending] ?? 0) > 0, "the kill left alerts undelivered: \(afterKill)")

            let second = try VigilProcess.start(serve)
            let store = try SQLiteStore(path: db)
            let delivered = try await eventually(90) {
                // Research still running after the restart raises new alerts; wait for it to finish too.
                let counts = try await store.alertCounts()
                return try await store.researchState().isIdle && counts[.pending] == nil && counts[.failed] == nil
            }
            second.0.terminate()
            let stopped = await VigilProcess.finish(second)
            #expect(delivered, "every alert delivered after the restart")
            #expect(stopped.status == 0, "\(stopped.stderr)")

            let stored = Set(try await store.alerts(state: nil, limit: 100_000).map(\.alert.alertId))
            #expect(stored.count >= 100)
            #expect(stub.alerts.alertIds == stored, "every stored alert was received, and nothing else")
            let repeats = stub.alerts.all.count - stub.alerts.alertIds.count
            #expect(repeats <= 64, "only alerts leased at the kill were delivered twice (\(repeats))")
        }
    }

    /// A Child At Risk package of NCMEC priority 1 about a subject no earlier referral names, reporting a
    /// victim aged 0.
    static func childAtRiskPackage() throws -> Data {
        let line = try String(contentsOf: VigilProcess.samples.appendingPathComponent("nca-packages.jsonl"), encoding: .utf8)
            .split(separator: "\n")[1]
        var package = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        package["packageId"] = "NCA-2026-CAR-0001"
        package["packageType"] = "CAR"
        package["ncmecPriority"] = "1"
        package["childrenKnown"] = [["age": 0, "relation": "victim"]]
        var cybertip = try #require(package["cybertip"] as? [String: Any])
        cybertip["reportId"] = 199_999_999
        var reported = try #require(cybertip["reportedInformation"] as? [String: Any])
        reported["reportedPeople"] = [
            "reportedPersons": [
                [
                    "firstName": "Cara", "lastName": "Invented-Urgent", "espService": "Example Chat", "espUserId": "u-car-0001",
                    "emails": ["emails": [["value": "cara.urgent@example.org"]]],
                    "phones": ["phones": [["value": "07700 900999"]]],
                    "addresses": ["addresses": [["street1": "1 Placeholder Lane", "city": "Testville", "postalCode": "ZZ99 9ZZ", "country": "GB"]]],
                ]
            ]
        ]
        cybertip["reportedInformation"] = reported
        package["cybertip"] = cybertip
        return try JSONSerialization.data(withJSONObject: package) + Data("\n".utf8)
    }

    @Test(
        "a CAR, priority-1 package imported into the researched demo database goes before every case not in imminent danger, is claimed in its place, and alerts the webhook"
    )
    func childAtRiskFirst() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await Self.withStub { stub, port in
            let db = folder.path("demo.sqlite")
            let demo = try await VigilProcess.run(["demo", "--db", db, "--samples", VigilProcess.samples.path, "--latency-ms", "5"])
            #expect(demo.status == 0, "\(demo.stderr)")
            #expect(demo.stdout.contains("0 pending"), "the demo delivered its alerts")
            let serve = try VigilProcess.start(["serve", "--db", db, "--port", "0", "--alert-url", "http://127.0.0.1:\(port)/_alerts"])
            let car = folder.path("car.jsonl")
            try Self.childAtRiskPackage().write(to: URL(fileURLWithPath: car))
            #expect(try await VigilProcess.run(["import", "--db", db, car, "--format", "nca"]).status == 0)

            let backlog = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", db, "--json"]))
            let cases = try #require(backlog["cases"] as? [[String: Any]])
            let position = try #require(cases.firstIndex { $0["refs"] as? [String] == ["NCA-2026-CAR-0001"] })
            let caseId = try #require(cases[position]["caseId"] as? String)
            let imminent = cases.filter { $0["imminentDanger"] as? Bool == true }.count
            #expect(cases.prefix(position + 1).allSatisfy { $0["imminentDanger"] as? Bool == true }, "before every case not in imminent danger")
            #expect(position < 3 && imminent > 10, "among the demo's \(imminent) imminent cases only older ones with a child as young come first")
            let arrived = try await eventually(30) { stub.alerts.alertIds.contains("\(caseId)/case.imminent-danger") }
            #expect(arrived, "the imminent-danger alert reached the webhook")
            serve.0.terminate()
            _ = await VigilProcess.finish(serve)

            for ahead in cases.prefix(position) {
                let claim = try await VigilProcess.run(["next", "--db", db, "--as", "una"])
                #expect(claim.stdout.contains(try #require(ahead["caseId"] as? String)))
            }
            let next = try await VigilProcess.run(["next", "--db", db, "--as", "ivy"])
            #expect(next.status == 0 && next.stdout.contains("ivy now holds \(caseId)"), "\(next.stdout)")

            let flags = try VigilProcess.json(try await VigilProcess.run(["flags", "--db", db, "--json"]))
            let calls = try #require(flags["calls"] as? [[String: Any]])
            #expect(calls.contains { $0["caseId"] as? String == caseId && $0["owner"] as? String == "ivy" }, "the holder owns the new case's calls")
            #expect(calls.filter { $0["owner"] as? String == "supervisors" }.count > 100, "unclaimed cases' calls belong to the supervisors")

            let strategy = try await VigilProcess.run([
                "strategy", caseId, "--db", db, "--as", "ivy", "--held-at", Timestamp.format(Date() - 60), "--with", "social care, health",
                "--outcome", "joint-investigation", "--note", "joint visit today",
            ])
            #expect(strategy.status == 0, "\(strategy.stderr)")
            let refused = try await VigilProcess.run([
                "strategy", caseId, "--db", db, "--as", "ivy", "--held-at", Timestamp.format(Date()), "--with", "health", "--outcome", "maybe",
            ])
            #expect(refused.status != 0 && refused.stderr.contains("joint-investigation, single-agency, no-further-action"))

            let alerts = try await VigilProcess.run(["alerts", "--db", db, "--state", "delivered", "--limit", "5"])
            #expect(alerts.status == 0 && alerts.stdout.contains("delivered"), "\(alerts.stdout)")
            #expect(try await VigilProcess.run(["alerts", "--db", db, "--state", "lost"]).status != 0)
        }
    }
}
