import CMalloc
public import Foundation
public import VigilCore
public import VigilIntake
public import VigilStore

/// Imports a batch chunk by chunk, parsing the next chunk, planning its checks and grading it while the store
/// writes the current one. That parse runs on one thread while the write runs (a parse on every core took the
/// writer's core: `bench http-import`, 8 alternated pairs, +4.6%), and the pipeline's own task joins it once the
/// write is done (`SharedChunkPreparation`). The same helper then frees the chunk written before, hands the free
/// memory back to the system (glibc's arenas otherwise keep what each thread freed, and a long import's resident
/// memory grew by half), and has the store catch up (SQLite: copy WAL pages into the database file), so the
/// writer's core is not shared three ways. The first chunk, with no write beside it, is prepared by two tasks at
/// once; a dry run parses each chunk on every core. Used by `vigil import`, `POST /api/v1/referrals` and `vigil bench import`, so the benchmark measures the
/// real path.
public struct ImportPipeline: Sendable {
    /// A pipeline into `store` (nil: validate only) planning checks from `sources`, stamping each chunk
    /// with `now` when it is prepared.
    public init(store: (any Store)?, sources: [IntelSourceSpec], now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.sources = sources
        self.now = now
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
    /// The clock each chunk is stamped with (its import instant).
    public var now: @Sendable () -> Date

    /// One chunk's records with the store's outcome for each valid one (nil for a rejected record or a dry run).
    public typealias ChunkHandler = ([IntakeRecord], [ImportOutcome?]) throws -> Void

    /// Runs the batch through parse and store, handing every chunk's results to `handle` in order.
    public func run(_ batch: Batch, handle: ChunkHandler) async throws {
        var batches = [batch].makeIterator()
        try await run(nextBatch: { batches.next() }, handle: handle)
    }

    /// Runs the batches `nextBatch` gives (nil after the last) through parse and store as one stream of
    /// chunks, handing every chunk's results to `handle` in order: the next batch's first chunk is parsed
    /// while the last chunk of the one before is written, so the pipeline never drains between batches.
    public func run(nextBatch: @escaping () async throws -> Batch?, handle: ChunkHandler) async throws {
        var chunks = ChunkStream(nextBatch: nextBatch)
        guard let store else {
            while let (batch, range) = try await chunks.next() {
                try handle(batch.records(range), Array(repeating: nil, count: range.count))
            }
            return
        }
        guard let firstChunk = try await chunks.next() else { return }
        let prepare = { (chunk: (batch: Batch, range: Range<Int>)) in
            SharedChunkPreparation(chunk.batch, range: chunk.range, sources: sources, targets: store.targets, now: now())
        }
        let first = prepare(firstChunk)
        let upkeep = store as? any WriteUpkeep
        async let helpedFirst: Void = first.prepareRemainingPieces()
        first.prepareRemainingPieces()
        await helpedFirst
        try await withThrowingDiscardingTaskGroup { helpers in
            var current = first
            var reported: SharedChunkPreparation?
            var unreported: (chunk: SharedChunkPreparation, outcomes: [ImportOutcome])?
            while true {
                let following = try await chunks.next().map(prepare)
                if let following {
                    helpers.addTask { [reported] in
                        following.prepareRemainingPieces()
                        reported?.discard()
                        vigil_malloc_release_free_memory()
                        await upkeep?.catchUpAfterWrites()
                    }
                }
                let chunk = current
                async let outcomes = store.importReferrals(chunk.result().planned, now: chunk.now)
                if let unreported {
                    // The chunk before is handed on while this one is written.
                    try Self.report(unreported.chunk, unreported.outcomes, to: handle)
                    reported = unreported.chunk
                }
                unreported = (chunk, try await outcomes)
                guard let following else { break }
                following.prepareRemainingPieces()
                await following.allPiecesPrepared()
                current = following
            }
            if let unreported {
                try Self.report(unreported.chunk, unreported.outcomes, to: handle)
            }
        }
    }

    /// The chunks of a stream of batches, in order: the first batch's ramp up from `firstChunkSize`
    /// (`chunkRanges`), then whole `chunkSize` chunks of every later batch.
    private struct ChunkStream {
        let nextBatch: () async throws -> Batch?
        private var batch: Batch?
        private var ranges: [Range<Int>] = []
        private var started = false

        init(nextBatch: @escaping () async throws -> Batch?) {
            self.nextBatch = nextBatch
        }

        mutating func next() async throws -> (batch: Batch, range: Range<Int>)? {
            while ranges.isEmpty {
                guard let following = try await nextBatch() else { return nil }
                ranges =
                    started
                    ? stride(from: 0, to: following.count, by: chunkSize).map { $0..<min($0 + chunkSize, following.count) }
                    : chunkRanges(count: following.count)
                started = started || following.count > 0
                batch = following
            }
            return (batch!, ranges.removeFirst())
        }
    }

    /// Hands the chunk's records to `handle` with the store's outcome of each (nil for a rejected one).
    private static func report(_ chunk: SharedChunkPreparation, _ outcomes: [ImportOutcome], to handle: ChunkHandler) throws {
        let records = chunk.result().records
        var stored = outcomes.makeIterator()
        try handle(
            records,
            records.map { record in
                if case .success = record.result { return stored.next() }
                return nil
            })
    }
}
