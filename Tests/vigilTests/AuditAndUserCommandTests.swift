import Foundation
import Testing

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

    @Test("every read and change of a case is audited; editing or deleting an audit row with sqlite3 is detected")
    func tamperDetection() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("nca-case-studies.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca"]).status == 0)
        #expect(try await VigilProcess.run(["show", "--db", db, "C-000001", "--by", "ann"]).status == 0)
        #expect(try await VigilProcess.run(["next", "--db", db, "--officer", "bob"]).status == 0)
        #expect(try await VigilProcess.run(["notify", "--db", db, "C-000001", "--flag", "lado", "--method", "phone",
                                            "--reference", "LADO-EX-1", "--by", "ann"]).status == 0)
        #expect(try await VigilProcess.run(["close", "--db", db, "C-000003", "--outcome", "no further action", "--by", "sup"]).status == 0)

        let trail = try await VigilProcess.run(["audit", "show", "--db", db, "--case", "C-000001", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(trail.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.map { $0["action"] as? String } == ["case.show", "flag.notify"])
        #expect(entries.map { $0["actor"] as? String } == ["ann", "ann"])
        #expect((entries.first?["remote"] as? String)?.hasPrefix("cli@") == true)
        let intact = try await VigilProcess.run(["audit", "verify", "--db", db])
        #expect(intact.status == 0 && intact.stdout.contains("intact: 4 entries"), "\(intact.stdout)")

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
