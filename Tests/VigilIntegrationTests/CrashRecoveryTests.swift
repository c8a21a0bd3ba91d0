import Foundation
import Logging
import Testing
import VigilCore
import VigilIntelStub
import VigilSQLite
import VigilStore
#if canImport(Glibc)
import Glibc
import VigilTesting
#endif

@Suite("research survives a crash", .serialized)
struct CrashRecoveryTests {
    @Test("killing vigil work mid-research and starting it again completes every check; only in-flight attempts repeat")
    func killAndResume() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let stub = IntelStubServer(options: .init(latencyMs: 400), logger: logger)
        try await withRunningServices([stub], logger: logger) {
            let config = folder.path("sources.json")
            try quickSourceConfiguration(base: "http://127.0.0.1:\(await stub.port())").write(to: URL(fileURLWithPath: config))
            let db = folder.path("v.sqlite")
            let leads = VigilProcess.samples.appendingPathComponent("p2p-leads.jsonl").path
            #expect(try await VigilProcess.run(["import", "--db", db, leads, "--format", "p2p", "--intel-config", config]).status == 0)

            let first = try VigilProcess.start(["work", "--db", db, "--intel-config", config, "--concurrency", "16"])
            while stub.log.entries.count < 40 { try await Task.sleep(for: .milliseconds(20)) }
            kill(first.0.processIdentifier, SIGKILL)
            let killedAt = Date()
            _ = await VigilProcess.finish(first)
            let inFlightAtKill = stub.log.entries.filter { $0.receivedAt < killedAt && ($0.answeredAt ?? .distantFuture) > killedAt - 0.05 }
            #expect(!inFlightAtKill.isEmpty, "the kill interrupted research")

            let second = await VigilProcess.finish(
                try VigilProcess.start([
                    "work", "--db", db, "--intel-config", config, "--until-idle",
                    "--concurrency", "64",
                ]))
            #expect(second.status == 0, "\(second.stderr)")

            let store = try SQLiteStore(path: db)
            #expect(try await store.researchState().isIdle)
            let cases = try await store.backlog(asOf: Date(), limit: nil)
            #expect(cases.count > 100 && cases.allSatisfy { !$0.provisional })
            for entry in cases {
                let checks = try await store.checks(of: entry.caseId)
                #expect(checks.allSatisfy { $0.state == .done }, "\(entry.caseId): \(checks)")
            }

            // No check ran twice at once: a repeated request is either the takeover of an attempt that was
            // in flight at the kill, or a retry that started only after the earlier attempt had ended.
            let byCheck = Dictionary(grouping: stub.log.entries, by: \.checkId)
            var takenOver = 0
            for (checkId, requests) in byCheck where requests.count > 1 {
                let ordered = requests.sorted { $0.receivedAt < $1.receivedAt }
                for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                    #expect(later.attempt > earlier.attempt, "check \(checkId): attempts must increase: \(ordered)")
                    if earlier.receivedAt < killedAt, later.receivedAt > killedAt {
                        takenOver += 1
                    } else {
                        #expect(
                            (earlier.answeredAt ?? .distantFuture) <= later.receivedAt,
                            "check \(checkId) ran twice at once: \(ordered), killed at \(killedAt)")
                    }
                }
            }
            #expect(takenOver > 0, "an attempt in flight at the kill was taken over after its lease expired")
        }
    }
}
