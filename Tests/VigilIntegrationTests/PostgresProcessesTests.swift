import Foundation
import Logging
import Testing
import VigilCore
import VigilIntelStub
import VigilPostgres
import VigilStore
import VigilTesting
#if canImport(Glibc)
import Glibc
#endif

/// Several `vigil` processes on one PostgreSQL database, each server on a loopback address of its own, as
/// processes on separate hosts would be.
@Suite("several vigil processes on one PostgreSQL", .serialized, .enabled(if: PostgresTestDatabase.cluster != nil))
struct PostgresProcessesTests {
    @Test("two databases with one audit key keep checkpoints of their own: neither takes the other's for a tampered log")
    func checkpointPerDatabase() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let keyFile = folder.path("audit.key")
        _ = try AuditKey.load(path: keyFile)
        let environment = ["VIGIL_AUDIT_KEY_FILE=\(keyFile)"]
        let batch = VigilProcess.samples.appendingPathComponent("nca-packages.jsonl").path
        try await PostgresTestDatabase.with { first in
            try await PostgresTestDatabase.with { second in
                let databases = [first, second].map { "postgres://\($0.username)@\($0.host):\($0.port)/\($0.database)" }
                // The first database's log runs longer than the second's: a shared checkpoint would have the
                // second's look cut short.
                let added = try await VigilProcess.run(["user", "add", "--db", databases[0], "imp", "--role", "importer"], environment: environment)
                #expect(added.status == 0, "\(added.stderr)")
                for db in databases {
                    let imported = try await VigilProcess.run(["import", "--db", db, "--format", "nca", batch], environment: environment)
                    #expect(imported.status == 0, "\(imported.stderr)")
                    let made = try await VigilProcess.run(["audit", "checkpoint", "--db", db], environment: environment)
                    #expect(made.status == 0, "\(made.stdout)\(made.stderr)")
                }
                for db in databases {
                    let checked = try await VigilProcess.run(["integrity", "--db", db], environment: environment)
                    #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
                }
                let checkpoints = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: keyFile).deletingLastPathComponent().path)
                    .filter { $0.hasSuffix(".audit-checkpoint.json") }
                #expect(Set(checkpoints) == Set([first, second].map { "audit.key.\($0.database).audit-checkpoint.json" }))
            }
        }
    }

    @Test(
        "2 servers and 2 workers: imports through both servers, 16 clients claiming through both, a server and a worker killed mid-research; no case claimed twice, no referral lost or doubled, no check run twice at once"
    )
    func serversAndWorkers() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let stub = IntelStubServer(options: .init(latencyMs: 300), logger: logger)
        try await PostgresTestDatabase.with { location in
            try await withRunningServices([stub], logger: logger) {
                let config = folder.path("sources.json")
                // Attempts, timeouts and slow retries generous enough that a machine busy with the rest of the
                // suite fails no check for good; a dead process's leases still expire within seconds.
                try quickSourceConfiguration(
                    base: "http://127.0.0.1:\(await stub.port())", maxAttempts: 8, timeoutMs: 6000, slowRetries: 20, slowRetryMs: 1000
                )
                .write(to: URL(fileURLWithPath: config))
                let keyFile = folder.path("audit.key")
                let key = try AuditKey.load(path: keyFile)
                let db = "postgres://\(location.username)@\(location.host):\(location.port)/\(location.database)"
                let environment = ["VIGIL_AUDIT_KEY_FILE=\(keyFile)"]
                func vigil(_ arguments: [String]) async throws -> VigilProcess.Outcome {
                    try await VigilProcess.run(arguments, environment: environment)
                }
                let importer = try VigilProcess.json(try await vigil(["user", "add", "--db", db, "imp", "--role", "importer", "--json"]))
                let investigator = try VigilProcess.json(try await vigil(["user", "add", "--db", db, "dc", "--role", "investigator", "--json"]))
                let (importToken, claimToken) = (try #require(importer["token"] as? String), try #require(investigator["token"] as? String))

                let hosts = ["127.0.0.2", "127.0.0.3"]
                let ports = try hosts.map { try freePort(host: $0) }
                var servers = try hosts.indices.map { index in
                    try VigilProcess.start(
                        [
                            "serve", "--db", db, "--host", hosts[index], "--port", "\(ports[index])", "--workers", "8", "--intel-config", config,
                        ], environment: environment)
                }
                for index in hosts.indices { try await waitUntilServing(ports[index], host: hosts[index]) }
                let workers = try (0..<2).map { _ in
                    try VigilProcess.start(["work", "--db", db, "--intel-config", config, "--concurrency", "8"], environment: environment)
                }

                // Each server imports half of the leads; the halves are sent at once.
                let leads = try String(contentsOf: VigilProcess.samples.appendingPathComponent("p2p-leads.jsonl"), encoding: .utf8)
                    .split(separator: "\n").map(String.init)
                let halves = [Array(leads[..<(leads.count / 2)]), Array(leads[(leads.count / 2)...])]
                async let imports: [VigilProcess.Outcome] = withThrowingTaskGroup(of: VigilProcess.Outcome.self) { uploads in
                    for index in hosts.indices {
                        let file = folder.path("half-\(index).jsonl")
                        try (halves[index].joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
                        uploads.addTask {
                            try await VigilProcess.run([
                                "import", file, "--format", "p2p", "--server", "http://\(hosts[index]):\(ports[index])", "--token", importToken,
                                "--lines-per-request", "10",
                            ])
                        }
                    }
                    return try await uploads.reduce(into: []) { $0.append($1) }
                }
                #expect(try await imports.allSatisfy { $0.status == 0 }, "both uploads stored every lead")

                // 16 clients claim 3 cases each, alternating between the servers.
                let claimed = try await withThrowingTaskGroup(of: [String].self) { clients in
                    for client in 0..<16 {
                        clients.addTask {
                            var mine: [String] = []
                            for _ in 0..<3 {
                                let server = "http://\(hosts[client % 2]):\(ports[client % 2])"
                                let body = try await VigilProcess.runTool(
                                    "curl", ["-s", "-X", "POST", "-H", "Authorization: Bearer \(claimToken)", "\(server)/api/v1/cases/next"])
                                let answer = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                                if let id = (answer?["case"] as? [String: Any])?["caseId"] as? String { mine.append(id) }
                            }
                            return mine
                        }
                    }
                    return try await clients.reduce(into: [String]()) { $0 += $1 }
                }
                #expect(claimed.count == 48 && Set(claimed).count == 48, "48 claims, no case twice: \(claimed.sorted())")

                // Research is under way on every process: kill one server and one worker outright.
                while stub.log.entries.count < 60 { try await Task.sleep(for: .milliseconds(20)) }
                kill(servers[0].0.processIdentifier, SIGKILL)
                kill(workers[0].0.processIdentifier, SIGKILL)
                let killedAt = Date()
                _ = await VigilProcess.finish(servers.removeFirst())
                _ = await VigilProcess.finish(workers[0])

                let store = try await PostgresStore.open(location, auditKey: key)
                try await withThrowingTaskGroup(of: Void.self) { pool in
                    pool.addTask { try await store.run() }
                    defer { pool.cancelAll() }
                    for _ in 0..<1200 {
                        if try await store.researchState().isIdle { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(try await store.researchState().isIdle, "the surviving processes finished the research")
                    let cases = try await store.backlog(asOf: Date(), limit: nil)
                    let refs = cases.flatMap(\.refs)
                    #expect(refs.count == leads.count && Set(refs).count == leads.count, "every lead stored once")
                    #expect(cases.filter { $0.claimedBy == "dc" }.count == 48)
                    for entry in cases {
                        let detail = try await store.caseDetail(entry.caseId, asOf: Date())
                        #expect(detail.claims.count == (claimed.contains(entry.caseId.description) ? 1 : 0), "\(entry.caseId) claims")
                        #expect(detail.checks.allSatisfy { $0.state == .done }, "\(entry.caseId): \(detail.checks)")
                    }
                    #expect(try await store.verifyAudit(against: nil).isIntact)
                }

                // No check ran twice at once: a repeat is the takeover of an attempt in flight at the kill, or
                // a retry that began after the earlier attempt ended.
                for (checkId, requests) in Dictionary(grouping: stub.log.entries, by: \.checkId) where requests.count > 1 {
                    let ordered = requests.sorted { $0.receivedAt < $1.receivedAt }
                    for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                        #expect(later.attempt > earlier.attempt, "check \(checkId): \(ordered)")
                        if !(earlier.receivedAt < killedAt && later.receivedAt > killedAt) {
                            #expect((earlier.answeredAt ?? .distantFuture) <= later.receivedAt, "check \(checkId) ran twice at once: \(ordered)")
                        }
                    }
                }
                // The survivors stop gracefully when told.
                for process in servers + [workers[1]] {
                    let stopped = await VigilProcess.terminate(process)
                    #expect(stopped.status == 0, "a survivor stops on SIGTERM: status \(stopped.status), \(stopped.stderr.suffix(3000))")
                }
            }
        }
    }

    @Test(
        "Scripts/cluster-demo.sh: the same processes, each in a network namespace of its own where the machine allows it, pass its verdict"
    )
    func clusterDemo() async throws {
        let outcome = try await VigilProcess.runScript("Scripts/cluster-demo.sh")
        #expect(outcome.status == 0 && outcome.stdout.hasPrefix("PASS:"), "\(outcome.stdout)\n\(outcome.stderr)")
    }
}
