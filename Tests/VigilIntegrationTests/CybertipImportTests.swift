import Foundation
import Testing
import VigilTesting

@Suite("vigil import --format cybertip-xml", .serialized)
struct CybertipImportTests {
    private static let reports = VigilProcess.samples.appendingPathComponent("cybertip-xml/reports.xml").path
    private static let directory = VigilProcess.samples.appendingPathComponent("cybertip-xml/report-900000140").path

    @Test("a batch file lands whole; importing it again is only duplicates; the same report id with other content is a conflict")
    func batchFile() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let first = try VigilProcess.json(try await VigilProcess.run(["import", "--db", db, Self.reports, "--format", "cybertip-xml", "--json"]))
        #expect(first["accepted"] as? Int == 11 && first["rejected"] as? Int == 0)
        let again = try VigilProcess.json(try await VigilProcess.run(["import", "--db", db, Self.reports, "--format", "cybertip-xml", "--json"]))
        #expect(again["duplicates"] as? Int == 11 && again["accepted"] as? Int == 0)

        let changed = folder.path("changed.xml")
        let text = try String(contentsOfFile: Self.reports, encoding: .utf8)
            .replacingOccurrences(of: "<incidentType>Child Sexual Molestation</incidentType>", with: "<incidentType>Child Sex Tourism</incidentType>")
        try text.write(toFile: changed, atomically: true, encoding: .utf8)
        let conflict = try await VigilProcess.run(["import", "--db", db, changed, "--format", "cybertip-xml", "--json"])
        #expect(conflict.status == 2)
        let report = try VigilProcess.json(conflict)
        #expect(report["duplicates"] as? Int == 10 && report["rejected"] as? Int == 1)
        let rejected = try #require((report["records"] as? [[String: Any]])?.first { $0["status"] as? String == "rejected" })
        #expect(rejected["ref"] as? String == "900000107")
        #expect(((rejected["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } == ["reportId"])

        let backlog = try await VigilProcess.run(["backlog", "--db", db, "--json", "--as-of", "2026-11-03T00:00:00Z"])
        #expect(backlog.stdout.contains("900000101"))
    }

    @Test("a report directory: its documents joined, its envelope's received time, or --received-at when it has none")
    func reportDirectory() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let db = folder.path("v.sqlite")
        let one = try VigilProcess.json(try await VigilProcess.run(["import", "--db", db, Self.directory, "--format", "cybertip-xml", "--json"]))
        #expect(one["accepted"] as? Int == 1)

        let parent = folder.path("reports")
        let copy = "\(parent)/r1"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.directory, toPath: copy)
        try FileManager.default.removeItem(atPath: "\(copy)/envelope.xml")
        let text = try String(contentsOfFile: "\(copy)/report.xml", encoding: .utf8)
        try text.replacingOccurrences(of: "c-140140", with: "c-140141").write(toFile: "\(copy)/report.xml", atomically: true, encoding: .utf8)
        for name in ["file-details-1.xml", "file-details-2.xml", "report-response.xml"] {
            let document = try String(contentsOfFile: "\(copy)/\(name)", encoding: .utf8)
            try document.replacingOccurrences(of: "900000140", with: "900000141").write(toFile: "\(copy)/\(name)", atomically: true, encoding: .utf8)
        }
        let missing = try await VigilProcess.run(["import", "--db", db, parent, "--format", "cybertip-xml", "--json"])
        #expect(missing.status == 2)
        let refused = try VigilProcess.json(missing)
        let errors = ((refused["records"] as? [[String: Any]])?.first?["errors"] as? [[String: Any]]) ?? []
        #expect(errors.compactMap { $0["field"] as? String } == ["ncaReferral/@disseminatedAt"])

        let given = try await VigilProcess.run([
            "import", "--db", db, parent, "--format", "cybertip-xml", "--received-at", "2026-11-04T10:00:00Z", "--json",
        ])
        #expect(given.status == 0)
        #expect(try VigilProcess.json(given)["accepted"] as? Int == 1)
        let shown = try await VigilProcess.run(["backlog", "--db", db, "--json", "--as-of", "2026-11-05T00:00:00Z"])
        #expect(shown.stdout.contains("900000141") && shown.stdout.contains("900000140"))
    }

    @Test("a broken document names its file and line; a time without a zone names its element and line")
    func errorsNamePlaces() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let copy = folder.path("r")
        try FileManager.default.copyItem(atPath: Self.directory, toPath: copy)
        try "<fileDetails>\n<reportId>900000140</reportId>\n<fileId>x</fileId\n</fileDetails>\n".write(
            toFile: "\(copy)/file-details-3.xml", atomically: true, encoding: .utf8)
        let broken = try await VigilProcess.run(["import", "--db", folder.path("v.sqlite"), copy, "--format", "cybertip-xml"])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("file-details-3.xml line 4"))

        let invalid = VigilProcess.samples.appendingPathComponent("cybertip-xml/invalid.xml").path
        let zoneless = try await VigilProcess.run(["import", "--db", folder.path("v.sqlite"), invalid, "--format", "cybertip-xml"])
        #expect(zoneless.status == 2)
        #expect(zoneless.stderr.contains("ncaReferral/report/incidentSummary/incidentDateTime"))
        #expect(zoneless.stderr.contains("no time zone"))
    }
}
