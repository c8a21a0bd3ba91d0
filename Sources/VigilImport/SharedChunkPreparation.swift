import Foundation
import Synchronization
import VigilCore
import VigilIntake

/// One chunk of a batch parsed, planned and graded in small pieces by whichever task is free: a helper task
/// while the store writes the chunk before, and the pipeline's own task as soon as that write is done. The
/// parse of a chunk on one thread takes about as long as its write (longer while chunk sizes ramp up), so the
/// pipeline's task would otherwise wait for it with a core idle.
final class SharedChunkPreparation: Sendable {
    /// Records per piece: small enough that the last piece leaves little to wait for.
    static let pieceSize = 50

    /// One piece's records and the planned referrals of its valid ones.
    private struct Piece: Sendable {
        var records: [IntakeRecord]
        var planned: [PlannedReferral]
    }

    private let batch: Batch
    private let pieceRanges: [Range<Int>]
    private let sources: [IntelSourceSpec]
    private let targets: ActionTargets
    /// The instant the chunk is graded at, and the store records it at.
    let now: Date
    private let nextPiece = Atomic<Int>(0)
    private let progress: Mutex<Progress>

    /// The pieces prepared so far, whoever waits for the last one, and the whole chunk once it is done.
    private struct Progress {
        var pieces: [Piece?]
        var prepared = 0
        var waiter: CheckedContinuation<Void, Never>?
        var chunk: (records: [IntakeRecord], planned: [PlannedReferral]) = ([], [])
    }

    /// Prepares `range` of `batch`, planning checks from `sources` and grading against `targets` at `now`.
    init(_ batch: Batch, range: Range<Int>, sources: [IntelSourceSpec], targets: ActionTargets, now: Date) {
        self.batch = batch
        pieceRanges = stride(from: range.lowerBound, to: range.upperBound, by: Self.pieceSize).map {
            $0..<min($0 + Self.pieceSize, range.upperBound)
        }
        self.sources = sources
        self.targets = targets
        self.now = now
        progress = Mutex(Progress(pieces: [Piece?](repeating: nil, count: pieceRanges.count)))
    }

    /// Prepares pieces nobody has taken yet until none are left; returns once the pieces it took are done.
    func prepareRemainingPieces() {
        while true {
            let index = nextPiece.add(1, ordering: .relaxed).oldValue
            guard index < pieceRanges.count else { return }
            let records = batch.records(pieceRanges[index], onEveryCore: false)
            let planned = records.compactMap { try? $0.result.get() }.map {
                PlannedReferral($0, sources: sources, targets: targets, now: now)
            }
            let waiter = progress.withLock { progress in
                progress.pieces[index] = Piece(records: records, planned: planned)
                progress.prepared += 1
                guard progress.prepared == pieceRanges.count else { return nil as CheckedContinuation<Void, Never>? }
                // Whoever prepares the last piece joins them, so the pipeline finds the chunk ready to write.
                let pieces = progress.pieces.map { $0! }
                progress.chunk = (pieces.flatMap(\.records), pieces.flatMap(\.planned))
                progress.pieces = []
                return progress.waiter.take()
            }
            waiter?.resume()
        }
    }

    /// Returns once every piece is prepared, by whichever task.
    func allPiecesPrepared() async {
        await withCheckedContinuation { continuation in
            let finished = progress.withLock { progress in
                if progress.prepared == pieceRanges.count { return true }
                progress.waiter = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }

    /// Frees the prepared chunk once it is written and reported. Freeing a thousand referrals' values takes
    /// milliseconds, so a helper task does it beside the next write rather than the pipeline between two.
    func discard() {
        var chunk: (records: [IntakeRecord], planned: [PlannedReferral]) = ([], [])
        progress.withLock { swap(&$0.chunk, &chunk) }
        // `chunk`, the last reference to the records, is freed here, on the caller's thread.
    }

    /// The chunk's records and planned referrals in batch order, once `allPiecesPrepared()` has returned.
    func result() -> (records: [IntakeRecord], planned: [PlannedReferral]) {
        progress.withLock { $0.chunk }
    }
}
