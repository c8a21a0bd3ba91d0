import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTesting

@Suite("audit log and users from the command line", .serialized)
struct AuditAndUserCommandTests {
    /// Runs the sqlite3 tool on a database.
    func sqlite3(_ db: String, _ sql: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", db, sql]
        try process.run()
        return await withCheckedContinuation { continuation in
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
    }

    @Test("the CLI's closing and deferral rules: roles from the store (--as), the holder, overrides, future reviews, reopen")
    func closingRulesFromTheCommandLine() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"]).status == 0)
        #expect(try await VigilProcess.run(["user", "add", "--db", db, "sam", "--role", "supervisor", "--by", "admin"]).status == 0)
        let notHeld = try await VigilProcess.run(["close", "--db", db, "C-000003", "--outcome", "nfa-not-identified", "--as", "ann"])
        #expect(notHeld.status != 0 && notHeld.stderr.contains("claim case C-000003"), "\(notHeld.stderr)")
        #expect(try await VigilProcess.run(["next", "--db", db, "--officer", "ann"]).stdout.contains("C-000002"))
        let withCall = try await VigilProcess.run(["close", "--db", db, "C-000002", "--outcome", "arrested", "--as", "ann"])
        #expect(withCall.status != 0 && withCall.stderr.contains("socialCare call still to make"), "\(withCall.stderr)")
        let deferByAnn = try await VigilProcess.run([
            "notify", "--db", db, "C-000002", "--flag", "socialCare", "--defer", "--reason", "warrant", "--review-by", "2099-01-01T00:00:00Z",
            "--as", "ann",
        ])
        #expect(deferByAnn.status != 0 && deferByAnn.stderr.contains("for supervisors"), "\(deferByAnn.stderr)")
        let pastReview = try await VigilProcess.run([
            "notify", "--db", db, "C-000002", "--flag", "socialCare", "--defer", "--reason", "warrant", "--review-by", "2020-01-01T00:00:00Z",
            "--as", "sam",
        ])
        #expect(pastReview.status != 0 && pastReview.stderr.contains("future"), "\(pastReview.stderr)")
        let overridden = try await VigilProcess.run([
            "close", "--db", db, "C-000002", "--outcome", "arrested", "--children-safeguarded", "1", "--override-reason", "told MASH verbally",
            "--as", "sam",
        ])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(try await VigilProcess.run(["reopen", "--db", db, "C-000002", "--reason", "r", "--as", "ann"]).status != 0)
        #expect(try await VigilProcess.run(["reopen", "--db", db, "C-000002", "--reason", "new evidence", "--as", "sam"]).status == 0)
        #expect(try await VigilProcess.run(["backlog", "--db", db]).stdout.contains("C-000002"))
    }

    @Test("every read and change of a case is audited; editing or deleting an audit row with sqlite3 is detected")
    func tamperDetection() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"]).status == 0)
        #expect(try await VigilProcess.run(["user", "add", "--db", db, "ann", "--role", "supervisor", "--by", "admin"]).status == 0)
        #expect(try await VigilProcess.run(["show", "--db", db, "C-000001", "--by", "ann"]).status == 0)
        #expect(try await VigilProcess.run(["next", "--db", db, "--officer", "bob"]).status == 0)
        #expect(
            try await VigilProcess.run([
                "notify", "--db", db, "C-000001", "--flag", "lado", "--method", "phone",
                "--reference", "LADO-EX-1", "--by", "ann",
            ]).status == 0)
        #expect(try await VigilProcess.run(["close", "--db", db, "C-000003", "--outcome", "nfa-not-identified", "--as", "ann"]).status == 0)

        let trail = try await VigilProcess.run(["audit", "show", "--db", db, "--case", "C-000001", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(trail.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.map { $0["action"] as? String } == ["case.show", "flag.notify"])
        #expect(entries.map { $0["actor"] as? String } == ["ann", "ann"])
        #expect((entries.first?["remote"] as? String)?.hasPrefix("cli@") == true)
        let intact = try await VigilProcess.run(["audit", "verify", "--db", db])
        #expect(intact.status == 0 && intact.stdout.contains("intact: 6 entries"), "reading the trail is audited too: \(intact.stdout)")

        #expect(try await sqlite3(db, "UPDATE audit_log SET detail = 'edited' WHERE id = 2") != 0, "the table refuses edits")
        #expect(try await sqlite3(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3") == 0)
        let edited = try await VigilProcess.run(["audit", "verify", "--db", db])
        #expect(edited.status == 2)
        #expect(edited.stdout.contains("BROKEN at entry 3") && edited.stdout.contains("edited"), "\(edited.stdout)")

        #expect(try await sqlite3(db, "UPDATE audit_log SET detail = 'phone' WHERE id = 3") == 0)
        #expect(try await sqlite3(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 1") == 0)
        let deleted = try await VigilProcess.run(["audit", "verify", "--db", db, "--json"])
        #expect(deleted.status == 2)
        #expect(try VigilProcess.json(deleted)["firstBrokenId"] as? Int == 2, "\(deleted.stdout)")
    }

    /// A database with a few audited actions and a checkpoint of them.
    func checkpointedDatabase(_ folder: TemporaryFolder) async throws -> String {
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"]).status == 0)
        for id in ["C-000001", "C-000002", "C-000003", "C-000004"] {
            #expect(try await VigilProcess.run(["show", "--db", db, id, "--by", "ann"]).status == 0)
        }
        let checkpoint = try await VigilProcess.run(["audit", "checkpoint", "--db", db])
        #expect(checkpoint.status == 0 && checkpoint.stdout.contains("4 entries, last #4"), "\(checkpoint.stdout)")
        return db
    }

    @Test("against its checkpoint, removing the newest entries or all of them is detected, and the checkpoint is kept as evidence")
    func truncation() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = try await checkpointedDatabase(folder)
        #expect(try await VigilProcess.run(["audit", "verify", "--db", db]).status == 0)
        #expect(try await sqlite3(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id >= 3") == 0)
        let truncated = try await VigilProcess.run(["audit", "verify", "--db", db])
        #expect(
            truncated.status == 2 && truncated.stdout.contains("entry #4") && truncated.stdout.contains("removed from the end"),
            "\(truncated.stdout)")
        #expect(truncated.stdout.contains("UNGUARDED: trigger(s) audit_log_no_delete missing"), "\(truncated.stdout)")
        let overwrite = try await VigilProcess.run(["audit", "checkpoint", "--db", db])
        #expect(overwrite.status == 2 && overwrite.stderr.contains("kept as evidence"), "\(overwrite.stderr)")
        #expect(try await sqlite3(db, "DELETE FROM audit_log") == 0)
        let emptied = try await VigilProcess.run(["audit", "verify", "--db", db, "--json"])
        let emptiedCount = try VigilProcess.json(emptied)["entries"] as? Int
        #expect(emptied.status == 2 && emptiedCount == 0)
    }

    @Test("rows forged, or the chain re-hashed after a deletion, without the audit key are detected")
    func forgery() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = try await checkpointedDatabase(folder)
        let entries = try VigilProcess.json(try await VigilProcess.run(["audit", "show", "--db", db, "--json", "--by", "eve"]), array: true)
        let wrongKey = AuditKey.generate()
        let last = try #require(entries.last)
        let forgedEvent = AuditEvent(
            at: Date(timeIntervalSince1970: 1_800_000_000), actor: "eve", action: "case.close", caseId: nil,
            detail: "forged", remote: "cli@host")
        let forgedHash = AuditChain.hash(previous: last["hash"] as! String, forgedEvent, key: wrongKey)
        #expect(
            try await sqlite3(
                db,
                """
                INSERT INTO audit_log (at, actor, action, case_id, detail, remote, previous_hash, hash)
                VALUES (1800000000000, 'eve', 'case.close', NULL, 'forged', 'cli@host', '\(last["hash"] as! String)', '\(forgedHash)')
                """) == 0)
        let appended = try await VigilProcess.run(["audit", "verify", "--db", db])
        #expect(appended.status == 2 && appended.stdout.contains("BROKEN at entry 6"), "\(appended.stdout)")

        // Delete entry 2 and re-hash every later entry under a key of the forger's own.
        var sql = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id IN (2, 6);"
        var previous = try #require(entries.first?["hash"] as? String)
        for entry in entries.dropFirst(2) {
            let event = AuditEvent(
                at: try Timestamp.parse(entry["at"] as! String).get(), actor: entry["actor"] as! String,
                action: entry["action"] as! String, caseId: (entry["caseId"] as? String).flatMap(CaseID.init(text:)),
                detail: entry["detail"] as! String, remote: entry["remote"] as! String)
            let hash = AuditChain.hash(previous: previous, event, key: wrongKey)
            sql += "UPDATE audit_log SET previous_hash = '\(previous)', hash = '\(hash)' WHERE id = \(entry["id"] as! Int);"
            previous = hash
        }
        #expect(try await sqlite3(db, sql) == 0)
        let rehashed = try await VigilProcess.run(["audit", "verify", "--db", db, "--checkpoint", db + ".audit-checkpoint.json"])
        #expect(
            rehashed.status == 2 && rehashed.stdout.contains("BROKEN at entry 3") && rehashed.stdout.contains("without the audit key"),
            "\(rehashed.stdout)")
    }

    @Test("the CLI refuses an empty or blank actor, and audits backlog reads")
    func actors() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"]).status == 0)
        for blank in ["", "  "] {
            let refused = try await VigilProcess.run(["show", "--db", db, "C-000001", "--by", blank])
            #expect(refused.status == 1 && refused.stderr.contains("--by"), "\(refused.stderr)")
        }
        #expect(try await VigilProcess.run(["backlog", "--db", db, "--by", "sam"]).status == 0)
        #expect(try await VigilProcess.run(["backlog", "--db", db, "--aged", "--csv", "--by", "sam"]).status == 0)
        let trail = try VigilProcess.json(try await VigilProcess.run(["audit", "show", "--db", db, "--json", "--by", "sam"]), array: true)
        #expect(trail.map { "\($0["actor"] ?? "") \($0["action"] ?? "")" } == ["sam backlog.list", "sam backlog.aged"])
    }

    @Test("user add prints a token once, list shows roles, revoke ends the token; bad roles are refused")
    func users() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let added = try VigilProcess.json(try await VigilProcess.run(["user", "add", "--db", db, "sam", "--role", "Supervisor", "--json"]))
        #expect(added["role"] as? String == "supervisor")
        #expect((added["token"] as? String)?.count == 64)
        #expect(try await VigilProcess.run(["user", "add", "--db", db, "sam", "--role", "admin"]).status == 1, "names are unique")
        #expect(try await VigilProcess.run(["user", "add", "--db", db, "eve", "--role", "god"]).status == 1)
        let listed = try await VigilProcess.run(["user", "list", "--db", db])
        #expect(listed.stdout.contains("sam  supervisor") && !listed.stdout.contains(added["token"] as? String ?? "-"))
        #expect(try await VigilProcess.run(["user", "revoke", "--db", db, "sam"]).status == 0)
        #expect(try await VigilProcess.run(["user", "list", "--db", db]).stdout.contains("revoked"))
        #expect(try await VigilProcess.run(["audit", "show", "--db", db]).stdout.contains("user.revoke"))
    }
}
