import Foundation
import Testing
import VigilTesting

@Suite("vigil as a command-line program", .serialized)
struct CommandLineTests {
    @Test("a mixed batch: good records land, bad ones are reported by line and field, exit 2; re-import only duplicates")
    func mixedBatch() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("bad/nca-mixed.jsonl").path

        let first = try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca", "--json"])
        #expect(first.status == 2)
        let report = try VigilProcess.json(first)
        #expect(report["accepted"] as? Int == 3)
        #expect(report["rejected"] as? Int == 5)
        let records = try #require(report["records"] as? [[String: Any]])
        let rejected = records.filter { $0["status"] as? String == "rejected" }
        #expect(rejected.map { $0["line"] as? Int } == [2, 4, 5, 7, 8])
        let fields = rejected.map { (($0["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } }
        #expect(fields[0] == ["disseminatedAt"])
        #expect(fields[2].contains("subscriber.ipAddress"))
        #expect(fields[4] == ["packageId"], "line 8 conflicts with line 1")

        let backlogBefore = try await VigilProcess.run(["backlog", "--db", db, "--json", "--as-of", "2026-11-23T00:00:00Z"])
        let second = try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca", "--json"])
        let again = try VigilProcess.json(second)
        #expect(again["accepted"] as? Int == 0)
        #expect(again["duplicates"] as? Int == 3)
        #expect(again["rejected"] as? Int == 5, "bad records stay bad")
        let backlogAfter = try await VigilProcess.run(["backlog", "--db", db, "--json", "--as-of", "2026-11-23T00:00:00Z"])
        #expect(backlogBefore.stdout == backlogAfter.stdout)
        #expect(backlogAfter.stdout.contains("NCA-MIX-009"))
    }

    @Test("human import output names file, line, field and reason on standard error")
    func humanErrors() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let batch = VigilProcess.samples.appendingPathComponent("bad/p2p-mixed.csv").path
        let outcome = try await VigilProcess.run(["import", "--db", folder.path("v.sqlite"), batch, "--format", "p2p"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("p2p-mixed.csv:3: [P2P-MIX-002] network: 'Napster' is not one of"))
        #expect(outcome.stdout.contains("5 records: 2 accepted, 0 duplicates, 3 rejected"))
    }

    @Test("usage errors and unreadable files exit 1")
    func usageErrors() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(try await VigilProcess.run(["import", "--db", folder.path("v.sqlite"), "x.jsonl", "--format", "xml"]).status == 1)
        #expect(try await VigilProcess.run(["import", "--db", folder.path("v.sqlite"), folder.path("missing.jsonl"), "--format", "nca"]).status == 1)
        #expect(try await VigilProcess.run(["backlog", "--db", folder.path("v.sqlite"), "--as-of", "2026-01-01T00:00:00"]).status == 1)
        #expect(try await VigilProcess.run(["show", "--db", folder.path("v.sqlite"), "C-000999"]).status == 1)
    }

    @Test("32 concurrent vigil next processes on one database never receive the same case")
    func concurrentNextProcesses() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let leads = VigilProcess.samples.appendingPathComponent("p2p-leads.jsonl").path
        #expect(try await VigilProcess.run(["import", "--db", db, leads, "--format", "p2p"]).status == 0)
        let started = try (0..<32).map { try VigilProcess.start(["next", "--db", db, "--officer", "officer-\($0)", "--json"]) }
        var outcomes: [VigilProcess.Outcome] = []
        for process in started { outcomes.append(await VigilProcess.finish(process)) }
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        let ids = try outcomes.map { try #require((try VigilProcess.json($0)["case"] as? [String: Any])?["caseId"] as? String) }
        #expect(ids.count == 32)
        #expect(Set(ids).count == 32)
        let backlog = try VigilProcess.json(try await VigilProcess.run(["backlog", "--db", db, "--json"]))
        let claimed = (backlog["cases"] as? [[String: Any]] ?? []).filter { !($0["claimedBy"] is NSNull) }
        #expect(Set(claimed.compactMap { $0["caseId"] as? String }) == Set(ids))
    }

    @Test("next on an empty backlog prints {\"case\": null} and exits 0")
    func nothingToClaim() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = try await VigilProcess.run(["next", "--db", folder.path("v.sqlite"), "--officer", "ann", "--json"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"case":null}"#)
    }

    @Test("a supplementary package re-grades its open case from the command line; one disseminated before its package is refused naming the field")
    func supplementaryPackages() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let samples = VigilProcess.samples.appendingPathComponent("supplementary")
        let original = try await VigilProcess.run([
            "import", "--db", db, samples.appendingPathComponent("nca-original.jsonl").path, "--format", "nca",
        ])
        #expect(original.status == 0)
        #expect(try await VigilProcess.run(["show", "--db", db, "C-000001"]).stdout.contains("grade Low"))

        let supplements = samples.appendingPathComponent("nca-supplements.jsonl").path
        let outcome = try await VigilProcess.run(["import", "--db", db, supplements, "--format", "nca", "--json"])
        #expect(outcome.status == 2)
        let records = try #require(try VigilProcess.json(outcome)["records"] as? [[String: Any]])
        #expect(records.map { $0["status"] as? String } == ["accepted", "rejected"])
        #expect(records[0]["caseId"] as? String == "C-000001", "the supplementary joins its package's case")
        let error = try #require((records[1]["errors"] as? [[String: Any]])?.first)
        #expect(error["field"] as? String == "disseminatedAt" && (error["message"] as? String)?.contains("NCA-SUP-0001") == true)

        let shown = try await VigilProcess.run(["show", "--db", db, "C-000001"]).stdout
        #expect(shown.contains("grade Very High") && shown.contains("(supplements NCA-SUP-0001)"))
        #expect(shown.contains("flag socialCare: open"))
        let again = try VigilProcess.json(try await VigilProcess.run(["import", "--db", db, supplements, "--format", "nca", "--json"]))
        #expect(again["duplicates"] as? Int == 1 && again["accepted"] as? Int == 0)
    }

    @Test("two packages joined by one phone across two towns: one case whose children and facts say which household is which")
    func twoHouseholds() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let batch = VigilProcess.samples.appendingPathComponent("households/nca-two-towns.jsonl").path
        let imported = try VigilProcess.json(try await VigilProcess.run(["import", "--db", db, batch, "--format", "nca", "--json"]))
        let records = try #require(imported["records"] as? [[String: Any]])
        #expect(records.map { $0["caseId"] as? String } == ["C-000001", "C-000001"], "the shared phone joins them")
        let shown = try await VigilProcess.run(["show", "--db", db, "C-000001"]).stdout
        #expect(shown.contains("  7y household — 3 Example Terrace, Northtown, ZZ9 9ZZ (referral)"), "\(shown)")
        #expect(shown.contains("  3y household — 41 Sample Street, Southville, ZZ2 2BB (referral)"), "\(shown)")
        #expect(shown.contains("addresses:") && shown.contains("41 Sample Street, Southville, ZZ2 2BB; not corroborated (referral)"))
        #expect(shown.contains("flag socialCare for 3 Example Terrace, Northtown, ZZ9 9ZZ: open"), "a call for each household")
        #expect(shown.contains("flag socialCare for 41 Sample Street, Southville, ZZ2 2BB: open"), "\(shown)")

        #expect(try await VigilProcess.run(["next", "--db", db, "--by", "dc-one"]).status == 0)
        let notify = ["notify", "--db", db, "C-000001", "--flag", "socialCare", "--method", "phone", "--reference", "SC-77", "--by", "dc-one"]
        let unnamed = try await VigilProcess.run(notify)
        #expect(unnamed.status == 1 && unnamed.stderr.contains("name one by what it is about"), "\(unnamed.stderr)")
        let named = try await VigilProcess.run(notify + ["--about", "41 Sample Street, Southville, ZZ2 2BB"])
        #expect(named.status == 0 && named.stdout.contains("socialCare for 41 Sample Street, Southville, ZZ2 2BB notified"), "\(named.stderr)")
        let calls = try await VigilProcess.run(["flags", "--db", db]).stdout
        #expect(calls.contains("Social care — 3 Example Terrace, Northtown, ZZ9 9ZZ") && !calls.contains("41 Sample Street"), "\(calls)")
    }
}
