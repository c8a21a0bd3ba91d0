import Foundation
import Testing
import VigilTesting

/// The short forms of the reliability campaigns in `Scripts/campaigns/` (docs/RELIABILITY.md gives their
/// full forms and figures): each script prints one verdict line and exits non-zero on any loss.
@Suite("reliability campaigns, short forms", .serialized)
struct CampaignTests {
    /// Runs a campaign and expects its PASS verdict.
    static func expectPass(_ campaign: String, _ arguments: [String], environment: [String: String] = [:]) async throws {
        let outcome = try await VigilProcess.runScript("Scripts/campaigns/\(campaign)", arguments, environment: environment)
        #expect(outcome.status == 0 && outcome.stdout.hasPrefix("PASS: \(campaign)"), "\(outcome.stdout)\n\(outcome.stderr.suffix(3000))")
    }

    private func expectPass(_ campaign: String, _ arguments: [String]) async throws {
        try await Self.expectPass(campaign, arguments)
    }

    @Test("crash-import: 3,000 records, two kills of vigil import and two of vigil serve; every record stored once, integrity ok")
    func crashImport() async throws {
        try await expectPass("crash-import", ["3000", "2"])
    }

    @Test("crash-research: 8 packages' research with two kills of vigil work; every check done, every alert delivered, none asked twice at once")
    func crashResearch() async throws {
        try await expectPass("crash-research", ["8", "2"])
    }

    @Test("hostile-sources: every failure mode of a source, one package each; no crash or hang, bounded memory, readable errors, no bogus fact")
    func hostileSources() async throws {
        try await expectPass("hostile-sources", ["1", "200"])
    }

    @Test("bad-input: every malformed input class, with a 4 MiB line, through the CLI and the API; reported line by line, good records land")
    func badInput() async throws {
        try await expectPass("bad-input", ["4"])
    }

    @Test("soak: 30 seconds of mixed load sampled every 3 s; no failed request, the server up, descriptors flat")
    func soak() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try await expectPass("soak", ["0.5", "3", folder.path("soak.svg")])
        let plot = try String(contentsOfFile: folder.path("soak.svg"), encoding: .utf8)
        #expect(plot.hasPrefix("<svg") && plot.contains("RSS (MiB)") && plot.contains("claim"), "the plot holds RSS and the routes")
    }
}

/// The short forms of the crash campaigns on PostgreSQL (`CAMPAIGN_POSTGRES`: each campaign's stores are
/// databases of their own on the run's cluster).
@Suite("reliability campaigns on PostgreSQL, short forms", .serialized, .enabled(if: PostgresTestDatabase.cluster != nil))
struct PostgresCampaignTests {
    private var environment: [String: String] {
        ["CAMPAIGN_POSTGRES": ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES"] ?? ""]
    }

    @Test("crash-import on PostgreSQL: 3,000 records, two kills of vigil import and two of vigil serve; every record stored once, integrity ok")
    func crashImport() async throws {
        try await CampaignTests.expectPass("crash-import", ["3000", "2"], environment: environment)
    }

    @Test(
        "crash-research on PostgreSQL: 8 packages' research with two kills of vigil work; every check done, every alert delivered, none asked twice at once"
    )
    func crashResearch() async throws {
        try await CampaignTests.expectPass("crash-research", ["8", "2"], environment: environment)
    }
}
