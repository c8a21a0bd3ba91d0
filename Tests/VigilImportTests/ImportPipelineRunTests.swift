import Foundation
import Testing
import VigilCore
import VigilImport
import VigilIntake
import VigilSQLite
import VigilStore

@Suite("import pipeline runs")
struct ImportPipelineRunTests {
    /// 1,300 lines (five chunks, dozens of pieces): the bundled NCA samples under fresh refs, every 97th
    /// line broken.
    static func batchText() throws -> [UInt8] {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/nca-packages.jsonl")
        let templates = try String(contentsOf: samples, encoding: .utf8).split(separator: "\n")
        let lines = (0..<1300).map { index in
            index % 97 == 50
                ? "{broken"
                : templates[index % templates.count].replacingOccurrences(
                    of: #""packageId": "NCA-"#, with: #""packageId": "RUN-\#(index)-"#)
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    @Test(
        "every record reaches the handler once, in line order, with an outcome exactly when it is valid, and lands in the store: from one batch, or from a file's segments run as one stream",
        arguments: [nil, 64 << 10, 300 << 10])
    func everyRecordInOrder(segmentBytes: Int?) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("test.sqlite").path)
        let file = folder.appendingPathComponent("batch.jsonl").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data(try Self.batchText())))
        var reader = try BatchFile(path: file, format: .nca, segmentBytes: segmentBytes ?? Int.max).open()
        var batches = 0
        let nextBatch = {
            let batch = try await reader.next(now: Date())
            if batch != nil { batches += 1 }
            return batch
        }
        var lines: [Int] = []
        var accepted: [(ref: String, caseId: CaseID)] = []
        try await ImportPipeline(store: store, sources: IntelSourceSpec.defaults(baseURL: "http://192.0.2.1")).run(nextBatch: nextBatch) {
            records, outcomes in
            #expect(records.count == outcomes.count)
            for (record, outcome) in zip(records, outcomes) {
                lines.append(record.line)
                let valid = (try? record.result.get()) != nil
                #expect(valid == (outcome != nil), "line \(record.line)")
                if case .accepted(let caseId) = outcome, let ref = record.ref { accepted.append((ref, caseId)) }
            }
        }
        #expect(lines == Array(1...1300))
        #expect(accepted.count == 1300 - 13)
        for (ref, caseId) in [accepted[0], accepted[accepted.count - 1]] {
            let detail = try await store.caseDetail(caseId, asOf: Date())
            #expect(detail.referrals.map(\.ref).contains(ref), "\(ref) stored in its case")
        }
        #expect(accepted[0].ref == "RUN-0-2026-00000" && accepted[accepted.count - 1].ref == "RUN-1299-2026-00099")
        #expect(segmentBytes == nil ? batches == 1 : batches > 1, "\(batches) batches")
    }

    @Test("between writes the pipeline has the store catch up: earlier chunks reach the SQLite file itself, not only its WAL")
    func earlierChunksReachTheDatabaseFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("test.sqlite").path
        let store = try SQLiteStore(path: path)
        try await ImportPipeline(store: store, sources: []).run(try BatchReader.open(try Self.batchText(), format: .nca, now: Date())) { _, _ in }
        let fileAlone = folder.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: fileAlone)
        let stored = try await SQLiteStore(path: fileAlone).caseDetail(CaseID(1), asOf: Date()).referrals.map(\.ref)
        #expect(stored.contains("RUN-0-2026-00000"))
    }
}
