import Foundation
import Testing
import VigilFuzzTargets

/// Every input a fuzzer ever crashed on (Fuzz/regressions/<target>/, kept by Scripts/campaigns/fuzz) and
/// every bundled sample, through each fuzz target as the harness runs it: each must end in a result or a
/// reported error, never a trap.
@Suite("fuzz regressions")
struct FuzzRegressionTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The files directly inside `folder`, or none when it does not exist.
    private static func files(in folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []).filter { !$0.hasDirectoryPath }
            .sorted { $0.path < $1.path }
    }

    @Test("each target takes its saved crash inputs and every sample without trapping", arguments: FuzzTarget.allCases)
    func savedInputs(target: FuzzTarget) throws {
        let saved = Self.files(in: Self.root.appendingPathComponent("Fuzz/regressions/\(target.rawValue)"))
        let samples = ["Samples", "Samples/bad", "Samples/cybertip-xml", "Samples/cybertip-xml/report-900000140"].flatMap {
            Self.files(in: Self.root.appendingPathComponent($0))
        }
        #expect(samples.count > 5, "the samples are found")
        for file in saved + samples {
            target.run(Array(try Data(contentsOf: file)))
        }
    }
}
