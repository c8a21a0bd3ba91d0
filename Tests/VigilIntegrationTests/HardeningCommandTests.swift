import Foundation
import Hummingbird
import Logging
import Testing
import VigilCore
import VigilIntelStub
import VigilServer
import VigilSQLite
import VigilStore
#if canImport(Glibc)
import Glibc
import VigilTesting
#endif

/// Regression tests of a hostile test pass, through the real `vigil` binary: failed starts, misread
/// answers, the environment's proxy, an upload whose server dies.
@Suite("hardening of the command line", .serialized)
struct HardeningCommandTests {
    /// A database holding the sample P2P leads (their checks planned), and a configuration file putting
    /// quick-retrying sources at `base`; the paths of both.
    func leadsDatabase(_ folder: TemporaryFolder, sourcesAt base: String) async throws -> (db: String, config: String) {
        let db = folder.path("v.sqlite")
        let leads = VigilProcess.samples.appendingPathComponent("p2p-leads.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, leads, "--format", "p2p"]).status == 0)
        let config = folder.path("sources.json")
        // A timeout long enough that a machine busy with the rest of the suite still gets the source's answer.
        try quickSourceConfiguration(base: base, maxAttempts: 2, timeoutMs: 10_000, backoffMaxMs: 100).write(to: URL(fileURLWithPath: config))
        return (db, config)
    }

    /// Runs `body` with the intelligence stub serving in-process, quietly.
    func withStub(_ body: @escaping @Sendable (IntelStubServer, String) async throws -> Void) async throws {
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let stub = IntelStubServer(options: .init(), logger: logger)
        try await withRunningServices([stub], logger: logger) {
            try await body(stub, "http://127.0.0.1:\(await stub.port())")
        }
    }

    /// The checks of the backlog's first case.
    func firstCaseChecks(_ db: String) async throws -> [CheckRecord] {
        let store = try SQLiteStore(path: db)
        let first = try #require(try await store.backlog(asOf: Date(), limit: 1).first)
        return try await store.checks(of: first.caseId)
    }

    @Test("vigil serve on a port already in use fails without leasing a check; attempts stay unspent")
    func failedStartsLeaseNothing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withStub { stub, base in
            let (db, _) = try await leadsDatabase(folder, sourcesAt: base)
            let port = await stub.port()
            for _ in 0..<3 {
                let serve = try await VigilProcess.run(["serve", "--db", db, "--port", "\(port)", "--intel-base-url", base])
                #expect(serve.status != 0, "the port is taken")
            }
            #expect(stub.log.entries.isEmpty, "no request was sent")
            let checks = try await firstCaseChecks(db)
            #expect(!checks.isEmpty && checks.allSatisfy { $0.state == .pending && $0.attempts == 0 }, "\(checks)")
            #expect(try await SQLiteStore(path: db).researchState().running == 0)
        }
    }

    @Test("sources behind a URL that answers 404 to everything (Vigil's own API) fail their checks; no fact is read as no")
    func plain404IsNotNoRecord() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var logger = Logger(label: "api")
        logger.logLevel = .critical
        let other = try SQLiteStore(path: folder.path("other.sqlite"))
        let ready = AnnouncedPort()
        let api = try VigilAPI.application(store: other, sources: [], host: "127.0.0.1", port: 0, logger: logger, onRunning: { await ready.set($0) })
        let db = try await withRunningServices([api], logger: logger) {
            let (db, config) = try await leadsDatabase(folder, sourcesAt: "http://127.0.0.1:\(await ready.get())")
            let work = try await VigilProcess.run(["work", "--db", db, "--intel-config", config, "--until-idle"])
            #expect(work.status == 0, "\(work.stderr)")
            return db
        }
        let store = try SQLiteStore(path: db)
        for entry in try await store.backlog(asOf: Date(), limit: nil) {
            let detail = try await store.caseDetail(entry.caseId, asOf: Date())
            #expect(detail.checks.allSatisfy { $0.state == .failed && $0.lastError?.contains("noRecord") == true }, "\(detail.checks)")
            #expect(!detail.facts.contains { $0.value == .no }, "\(detail.facts)")
            #expect(detail.facts.allSatisfy { $0.provenance.allSatisfy { $0 == .referral } }, "\(detail.facts)")
        }
    }

    @Test("research reaches its sources directly, whatever http_proxy the environment sets")
    func environmentProxyIgnored() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await withStub { stub, base in
            let (db, config) = try await leadsDatabase(folder, sourcesAt: base)
            let proxies = [
                "http_proxy=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9",
                "all_proxy=http://127.0.0.1:9", "no_proxy=",
            ]
            let work = try await VigilProcess.run(["work", "--db", db, "--intel-config", config, "--until-idle"], environment: proxies)
            #expect(work.status == 0, "\(work.stderr)")
            let checks = try await firstCaseChecks(db)
            #expect(!checks.isEmpty && checks.allSatisfy { $0.state == .done }, "\(checks)")
            #expect(!stub.log.entries.isEmpty)
        }
    }

    @Test(
        "an upload whose server is killed mid-file names the acknowledged and unacknowledged lines; sending the file again stores every record once")
    func uploadSurvivesServerCrash() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = folder.path("batch.jsonl")
        let lines = (1...6_000).map { index in
            #"{"packageId":"NCA-CRASH-\#(index)","packageType":"NOCAP","disseminatedAt":"2026-03-01T09:00:00Z","cybertip":{"reportId":\#(index),"reportedInformation":{"incidentSummary":{"incidentType":"Child Pornography (possession, manufacture, and distribution)"}}}}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: batch, atomically: true, encoding: .utf8)
        let token =
            try VigilProcess.json(try await VigilProcess.run(["user", "add", "--db", db, "imp", "--role", "importer", "--json"]))["token"] as! String
        let port = try freePort()
        func serve() throws -> (Process, Pipe, Pipe) {
            try VigilProcess.start(["serve", "--db", db, "--port", "\(port)", "--workers", "1", "--intel-base-url", "http://127.0.0.1:9"])
        }
        func stored() async throws -> Int {
            let count = try await VigilProcess.runTool("sqlite3", [db, "SELECT COUNT(*) FROM referrals"])
            return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        let server = try serve()
        try await waitUntilServing(port)
        let upload = try VigilProcess.start([
            "import", "--server", "http://127.0.0.1:\(port)", "--token", token, batch, "--format", "nca",
            "--lines-per-request", "200", "--json",
        ])
        while try await stored() < 400 { try await Task.sleep(for: .milliseconds(20)) }
        kill(server.0.processIdentifier, SIGKILL)
        _ = await VigilProcess.finish(server)
        let cut = await VigilProcess.finish(upload)
        #expect(cut.status == 1)
        let report = try VigilProcess.json(cut)
        let acknowledged = try #require(report["acknowledged"] as? [[String: Any]])
        let unacknowledged = try #require(report["unacknowledged"] as? [[String: Any]])
        #expect(!acknowledged.isEmpty && !unacknowledged.isEmpty, "\(cut.stdout.prefix(400))")
        #expect(unacknowledged.last?["lastLine"] == nil, "the lines never sent run to the end of the file")
        let ranges = (acknowledged + unacknowledged).map { ($0["firstLine"] as! Int)...(($0["lastLine"] as? Int) ?? 6_000) }.sorted {
            $0.lowerBound < $1.lowerBound
        }
        #expect(ranges.first?.lowerBound == 1 && ranges.last?.upperBound == 6_000, "every line is in one range or the other")
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound }, "\(ranges)")
        #expect((report["records"] as? [Any])?.count == acknowledged.count * 200)
        let human = try await VigilProcess.run(["import", "--server", "http://127.0.0.1:\(port)", "--token", token, batch, "--format", "nca"])
        #expect(
            human.status == 1 && human.stderr.contains("lines 1-6000: not acknowledged")
                && human.stderr.contains("Sending the same file again is safe"),
            "\(human.stderr)")

        let restarted = try serve()
        defer { kill(restarted.0.processIdentifier, SIGTERM) }
        try await waitUntilServing(port)
        let again = try await VigilProcess.run([
            "import", "--server", "http://127.0.0.1:\(port)", "--token", token, batch, "--format", "nca", "--json",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        let second = try VigilProcess.json(again)
        #expect((second["accepted"] as? Int ?? 0) + (second["duplicates"] as? Int ?? 0) == 6_000)
        #expect((second["duplicates"] as? Int ?? 0) >= acknowledged.count * 200)
        #expect(try await stored() == 6_000, "every record stored exactly once")
    }

    @Test(
        "numeric options refuse Int.max, negatives and non-numbers with a usage error naming the range",
        arguments: [
            ["serve", "--port", "99999"], ["serve", "--workers", "0"], ["serve", "--idle-timeout", String(Int.max)],
            ["work", "--concurrency=-1"], ["backlog", "--limit=-5"], ["backlog", "--limit", "9223372036854775808"],
            ["intel-stub", "--fail-rate", "2"], ["intel-stub", "--latency-ms", "abc"], ["demo", "--top=-1"],
            ["bench", "import", "--records", String(Int.max)], ["bench", "claim", "--claimers", "0"], ["checks", "retry", "0"],
            ["import", "--lines-per-request", "0", "x.jsonl", "--server", "http://127.0.0.1:9", "--token", "t"],
            ["serve", "--max-checks-per-case", "0"],
        ])
    func numericOptions(arguments: [String]) async throws {
        let run = try await VigilProcess.run(arguments)
        #expect(
            run.status == 1 && (run.stderr.contains("is not a whole number from") || run.stderr.contains("is not a number from")),
            "\(arguments): \(run.status) \(run.stderr)")
    }

    @Test("terminal codes and newlines from a field never reach the terminal raw: import errors, the audit trail")
    func controlCharactersEscaped() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = folder.path("escape.jsonl")
        let hostile =
            #"{"packageId":"NCA-ESC-1","packageType":"\u001b[2J\u001b[31mNOCAP","disseminatedAt":"2026-03-01T09:00:00Z","cybertip":{"reportId":1,"reportedInformation":{"incidentSummary":{"incidentType":"x"}}}}"#
        try (hostile + "\n").write(toFile: batch, atomically: true, encoding: .utf8)
        let imported = try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"])
        #expect(imported.status == 2 && !imported.stderr.contains("\u{1B}") && imported.stderr.contains("\\u{1b}[2J"), "\(imported.stderr)")

        let cases = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, cases, "--format", "nca"]).status == 0)
        #expect(try await VigilProcess.run(["next", "--db", db, "--officer", "dc-example"]).status == 0)
        let held = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", db, "--json"]))["cases"] as! [[String: Any]]
        let id = try #require(held.first { $0["claimedBy"] as? String == "dc-example" }?["caseId"] as? String)
        let decided = try await VigilProcess.run([
            "decide", "--db", db, id, "--decision", "visit", "--by", "dc-example",
            "--rationale", "fine\n#99 2026-01-01T00:00:00Z admin user.add — forged entry\u{1B}[0m",
        ])
        #expect(decided.status == 0, "\(decided.stderr)")
        let trail = try await VigilProcess.run(["audit", "show", "--db", db, "--case", id])
        let lines = trail.stdout.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("#") } && !lines.contains { $0.hasPrefix("#99") }, "no forged line: \(trail.stdout)")
        #expect(!trail.stdout.contains("\u{1B}") && trail.stdout.contains("fine\\n#99"))
    }

    @Test("vigil serve exports the audit checkpoint at start and again at shutdown, to the path it is given")
    func serveWritesCheckpoints() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let checkpoint = folder.path("elsewhere.json")
        #expect(try await VigilProcess.run(["user", "add", "--db", db, "sam", "--role", "supervisor"]).status == 0)
        let port = try freePort()
        let server = try VigilProcess.start([
            "serve", "--db", db, "--port", "\(port)", "--workers", "1", "--intel-base-url", "http://127.0.0.1:9",
            "--audit-checkpoint", checkpoint,
        ])
        try await waitUntilServing(port)
        var atStart: [String: Any] = [:]
        for _ in 0..<100 where atStart.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            atStart = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint)))) as? [String: Any] ?? [:]
        }
        #expect(atStart["entries"] as? Int == 1, "user.add, signed at start: \(atStart)")
        _ = try await VigilProcess.runTool("curl", ["-s", "http://127.0.0.1:\(port)/api/v1/backlog"])
        kill(server.0.processIdentifier, SIGTERM)
        #expect(await VigilProcess.finish(server).status == 0)
        let atStop = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint))) as? [String: Any]
        #expect(atStop?["entries"] as? Int == 2, "the refused request is in the checkpoint written at shutdown")
        let verified = try await VigilProcess.run(["audit", "verify", "--db", db, "--checkpoint", checkpoint])
        #expect(verified.status == 0 && verified.stdout.contains("the 2 of checkpoint"), "\(verified.stdout)")
    }
}
