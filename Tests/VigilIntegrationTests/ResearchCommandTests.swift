import Foundation
import Logging
import Testing
import VigilCore
import VigilIntelStub
import VigilTesting

@Suite("research and validation commands", .serialized)
struct ResearchCommandTests {
    @Test("the main job: vigil demo imports the samples, researches every case and leaves none provisional")
    func demo() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = try await VigilProcess.run([
            "demo", "--db", folder.path("demo.sqlite"), "--samples", VigilProcess.samples.path,
            "--latency-ms", "0", "--top", "3",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("Backlog at intake"))
        #expect(outcome.stdout.contains("provisional 421 → 0"), "\(outcome.stdout)")
        let backlog = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", folder.path("demo.sqlite"), "--json"]))
        let cases = backlog["cases"] as? [[String: Any]] ?? []
        #expect(cases.count == 422)
        #expect(cases.allSatisfy { $0["provisional"] as? Bool == false })
    }

    @Test("--dry-run validates and reports but stores nothing")
    func dryRun() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("bad/nca-mixed.jsonl").path
        let outcome = try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca", "--dry-run", "--json"])
        #expect(outcome.status == 2)
        let report = try VigilProcess.json(outcome)
        #expect(report["accepted"] as? Int == 4, "line 8 is valid on its own; only the store sees its conflict")
        #expect(report["rejected"] as? Int == 4)
        let backlog = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", db, "--json"]))
        #expect((backlog["cases"] as? [Any])?.isEmpty == true)
    }

    @Test("vigil checks lists a case's checks; a failed check leaves research incomplete and can be retried; slow retries wait past --until-idle")
    func checksAndRetry() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let fixtures = try StubFixtures(data: Data(#"{"subscriber": [{"match": {"ipAddress": "198.51.100.77"}, "status": 503}]}"#.utf8))
        let stub = IntelStubServer(options: .init(fixtures: fixtures, fixturesOnly: true), logger: logger)
        try await withRunningServices([stub], logger: logger) {
            let base = "http://127.0.0.1:\(await stub.port())"
            let db = folder.path("v.sqlite")
            let config = folder.path("sources.json")
            try Data(
                #"{"sources": [{"name": "subscriber", "url": "\#(base)/subscriber", "needs": "ip", "yields": ["address", "persons"], "maxAttempts": 2, "backoffBaseMs": 10, "backoffMaxMs": 20, "slowRetries": 0}]}"#
                    .utf8
            )
            .write(to: URL(fileURLWithPath: config))
            let lead = VigilProcess.samples.appendingPathComponent("p2p-case-studies.jsonl").path
            #expect(try await VigilProcess.run(["import", "--db", db, lead, "--format", "p2p", "--intel-config", config]).status == 0)

            let work = try await VigilProcess.run(["work", "--db", db, "--intel-config", config, "--until-idle"])
            #expect(work.status == 0, "\(work.stderr)")
            let listed = try await VigilProcess.run(["checks", "--db", db, "C-000001"])
            #expect(listed.stdout.contains("subscriber failed, 2 attempt(s)"), "\(listed.stdout)")
            #expect(listed.stdout.contains("last error: badAnswer: HTTP 503"), "\(listed.stdout)")
            let shown = try VigilProcess.json(try await VigilProcess.run(["show", "--db", db, "C-000001", "--json"]))
            #expect(
                shown["provisional"] as? Bool == true && shown["researchFailed"] as? [String] == ["subscriber"], "research that failed is not done")
            #expect(try await VigilProcess.run(["show", "--db", db, "C-000001"]).stdout.contains("research incomplete: checks of subscriber failed"))
            #expect(try await VigilProcess.run(["backlog", "--db", db]).stdout.contains("*!"), "the backlog marks it")

            let retried = try await VigilProcess.run(["checks", "retry", "--db", db, "1"])
            #expect(retried.stdout.contains("subscriber pending"), "\(retried.stdout)")
            #expect(try await VigilProcess.run(["checks", "retry", "--db", db, "1"]).status == 1, "only a failed check can be retried")

            try Data(
                #"{"sources": [{"name": "subscriber", "url": "\#(base)/subscriber", "needs": "ip", "yields": ["address", "persons"], "maxAttempts": 1, "backoffBaseMs": 10, "backoffMaxMs": 20}]}"#
                    .utf8
            )
            .write(to: URL(fileURLWithPath: config))
            let slowDB = folder.path("slow.sqlite")
            #expect(try await VigilProcess.run(["import", "--db", slowDB, lead, "--format", "p2p", "--intel-config", config]).status == 0)
            let slow = try await VigilProcess.run(["work", "--db", slowDB, "--intel-config", config, "--until-idle"])
            #expect(slow.status == 0, "--until-idle returns while the check waits for its slow retry")
            let waiting = try await VigilProcess.run(["checks", "--db", slowDB, "C-000001"])
            #expect(waiting.stdout.contains("subscriber pending, 1 attempt(s), next at"), "\(waiting.stdout)")
            let next = try #require(waiting.stdout.range(of: "next at ").map { String(waiting.stdout[$0.upperBound...].prefix(24)) })
            let due = try #require(try? Timestamp.parse(next).get())
            #expect(due.timeIntervalSinceNow > 1700 && due.timeIntervalSinceNow < 3700, "hourly by default, jittered over the upper half: \(next)")
        }
    }
}
