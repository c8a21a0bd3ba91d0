import ArgumentParser
import Foundation
import VigilIntake

/// `vigil bench packages --records N [--format nca|cybertip-xml]`: writes N synthetic NCA packages as JSON
/// Lines (or CyberTipline XML reports) to standard output, a block at a time, for imports of any size (the
/// reliability campaigns and the large-file benchmarks).
struct BenchPackagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "packages",
        abstract: "Writes N synthetic NCA packages (JSON Lines) or CyberTipline XML reports to standard output, received 19 s apart from 2026-01-01."
    )

    @Option(help: "nca (JSON Lines packages) or cybertip-xml (NCMEC XML reports).", transform: SyntheticPackages.format)
    var format = IntakeFormat.nca

    @Option(help: "How many packages.", transform: NumberOption.whole(1...100_000_000))
    var records = 100_000

    @Option(help: "The refs' prefix (BENCH-<prefix>-<n>).")
    var prefix = "F"

    mutating func run() async throws {
        var generator = SyntheticPackages()
        generator.secondsApart = 19
        var written = 0
        while written < records {
            let count = min(10_000, records - written)
            FileHandle.standardOutput.write(Data(generator.batch(format, count: count, prefix: prefix, firstIndex: written)))
            written += count
        }
    }
}
