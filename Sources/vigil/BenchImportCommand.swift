import ArgumentParser
import Foundation
import VigilCore
import VigilIntake
import VigilStore

/// `vigil bench import --records N [--json]`: parse + grade + link + store of synthetic NCA packages.
struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Referrals/s for parse + grade + link + store of synthetic NCA packages into a scratch SQLite file."
    )

    @Option(help: "How many packages.")
    var records = 100_000

    @Flag(help: "Print JSON.")
    var json = false

    /// The measurement.
    struct Result: Encodable {
        var records: Int
        var accepted: Int
        var seconds: Double
        var recordsPerSecond: Double
        var parseSeconds: Double
        var storeSeconds: Double
    }

    mutating func run() async throws {
        guard records > 0 else { throw ValidationError("--records must be positive") }
        var generator = SyntheticPackages()
        let batch = generator.jsonLines(count: records, prefix: "I")
        let scratch = try ScratchDatabase()
        defer { scratch.remove() }
        let store = try SQLiteStore(path: scratch.path)
        let clock = ContinuousClock()
        let started = clock.now
        let parsed = try BatchReader.read(batch, format: .nca)
        let parseTime = clock.now - started
        var accepted = 0
        for offset in stride(from: 0, to: parsed.count, by: ImportCommand.chunkSize) {
            let chunk = parsed[offset..<min(offset + ImportCommand.chunkSize, parsed.count)].compactMap { try? $0.result.get() }
            let outcomes = try await store.importReferrals(chunk, sources: [], now: Date())
            accepted += outcomes.filter { if case .accepted = $0 { true } else { false } }.count
        }
        let total = (clock.now - started).seconds
        let result = Result(records: records, accepted: accepted, seconds: total, recordsPerSecond: Double(records) / total,
                            parseSeconds: parseTime.seconds, storeSeconds: total - parseTime.seconds)
        if json {
            try FileOutput.printJSON(result)
        } else {
            print(String(format: "%d records (%d accepted) in %.2f s: %.0f referrals/s (parse %.2f s, grade+link+store %.2f s)",
                         records, accepted, total, result.recordsPerSecond, result.parseSeconds, result.storeSeconds))
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
