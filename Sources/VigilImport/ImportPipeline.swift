import Foundation
import VigilCore
import VigilIntake
import VigilStore

/// Imports a batch chunk by chunk, parsing the next chunk, planning its checks and grading it while the store
/// writes the current one. That parse runs on one thread: the store's single writer is the bound, and a parse on
/// every core took its core (`bench http-import`, 8 alternated pairs: +4.6%). The first chunk, with no write beside it,
/// and a dry run parse on every core. Used by `vigil import`, `POST /api/v1/referrals` and
/// `vigil bench import`, so the benchmark measures the real path.
public struct ImportPipeline: Sendable {
    /// A pipeline into `store` (nil: validate only) planning checks from `sources`.
    public init(store: (any Store)?, sources: [IntelSourceSpec]) {
        self.store = store
        self.sources = sources
    }

    /// Records per store transaction.
    public static let chunkSize = 1000

    /// The first chunk's size. Nothing is stored until the first chunk is parsed, so it is small; each
    /// following chunk is twice the one before (its parse then overlaps the previous chunk's write) until
    /// `chunkSize`. A 10,000-record request waits ~5 ms for its first write instead of ~35 ms.
    public static let firstChunkSize = 125

    /// The record ranges of a `count`-record batch, one per store transaction: sizes ramp up from
    /// `firstChunkSize`, doubling, to `chunkSize`.
    public static func chunkRanges(count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var (start, size) = (0, firstChunkSize)
        while start < count {
            ranges.append(start..<min(start + size, count))
            start += size
            size = min(size * 2, chunkSize)
        }
        return ranges
    }

    /// The store, or nil for a dry run (validate only).
    public var store: (any Store)?
    /// Sources the store plans checks from.
    public var sources: [IntelSourceSpec]

    /// One chunk's records with the store's outcome for each valid one (nil for a rejected record or a dry run).
    public typealias ChunkHandler = ([IntakeRecord], [ImportOutcome?]) throws -> Void

    /// One chunk of records on its way to the store.
    private struct Chunk {
        var records: [IntakeRecord]
        var planned: [PlannedReferral]
        /// When it was graded.
        var now: Date
    }

    /// Runs the batch through parse and store, handing every chunk's results to `handle` in order.
    public func run(_ batch: Batch, handle: ChunkHandler) async throws {
        let ranges = Self.chunkRanges(count: batch.count)
        guard let first = ranges.first else { return }
        var current = prepare(batch.records(first))
        let onEveryCore = store == nil
        for index in ranges.indices {
            async let following = index + 1 < ranges.count
                ? prepare(batch.records(ranges[index + 1], onEveryCore: onEveryCore)) : Chunk(records: [], planned: [], now: Date())
            try handle(current.records, try await store(current))
            current = await following
        }
    }

    /// A chunk's records with its valid referrals planned and graded at one instant, which the store then
    /// records them at.
    private func prepare(_ records: [IntakeRecord]) -> Chunk {
        let now = Date()
        guard let store else { return Chunk(records: records, planned: [], now: now) }
        let planned = records.compactMap { try? $0.result.get() }.map {
            PlannedReferral($0, sources: sources, targets: store.targets, now: now)
        }
        return Chunk(records: records, planned: planned, now: now)
    }

    private func store(_ chunk: Chunk) async throws -> [ImportOutcome?] {
        let records = chunk.records
        guard let store else { return Array(repeating: nil, count: records.count) }
        var outcomes = try await store.importReferrals(chunk.planned, now: chunk.now).makeIterator()
        return records.map { record in
            if case .success = record.result { return outcomes.next() }
            return nil
        }
    }
}
