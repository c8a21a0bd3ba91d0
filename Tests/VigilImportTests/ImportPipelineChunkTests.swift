import Testing
import VigilImport

@Suite("import pipeline chunks")
struct ImportPipelineChunkTests {
    @Test("chunks cover every record once, in order, for any batch size", arguments: [0, 1, 124, 125, 126, 874, 875, 1000, 9_999, 10_000, 23_457])
    func coverEveryRecord(count: Int) {
        let ranges = ImportPipeline.chunkRanges(count: count)
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        #expect(ranges.allSatisfy { !$0.isEmpty && $0.count <= ImportPipeline.chunkSize })
    }

    @Test("the first chunk is small and each full chunk doubles the one before, up to the chunk size")
    func rampUp() {
        let sizes = ImportPipeline.chunkRanges(count: 10_000).map(\.count)
        #expect(sizes == [125, 250, 500] + Array(repeating: 1000, count: 9) + [125])
        #expect(ImportPipeline.chunkRanges(count: 300).map(\.count) == [125, 175])
    }
}
