import Foundation
import Hummingbird
import VigilImport
import VigilIntake

/// A `POST /referrals` body read as it arrives, cut into segments of whole records (`BatchSegmenter`) and
/// handed to the import pipeline one batch at a time: a body of any size is imported in the memory of a few
/// segments, and its report is spooled (`SpooledImportReport`), so no size limit applies to it.
struct BatchBody {
    private var parts: RequestBody.AsyncIterator
    private var segmenter: BatchSegmenter
    private let format: IntakeFormat
    private let firstLine: Int
    private let now: @Sendable () -> Date

    /// The batches of `body`, in `format`, whose first line is the file's `firstLine` (JSON Lines only).
    init(_ body: RequestBody, format: IntakeFormat, firstLine: Int, now: @escaping @Sendable () -> Date) {
        parts = body.makeAsyncIterator()
        segmenter = BatchSegmenter(
            format: format, firstLine: firstLine, segmentBytes: BatchFile.defaultSegmentBytes, recordMultiple: ImportPipeline.chunkSize)
        self.format = format
        self.firstLine = firstLine
        self.now = now
    }

    /// The next batch, nil after the last. Throws 400 for a first line number on a JSON array or CSV body,
    /// or a CSV header that cannot be read or lacks a column (both found in the first segment, before
    /// anything is stored).
    mutating func next() async throws -> Batch? {
        // The segmenter reads through a copy of the iterator: it cannot reach `self` while it is changing it.
        var parts = parts
        defer { self.parts = parts }
        guard let segment = try await segmenter.next(reading: { try await parts.next().map { Array($0.readableBytesView) } }) else {
            return nil
        }
        guard segment.layout == .jsonLines || firstLine == 1 else {
            throw APIError.badRequest("a first line number applies to JSON Lines only; send a JSON array or CSV file whole")
        }
        do {
            return try BatchReader.open(segment, format: format, now: now())
        } catch {
            throw APIError.badRequest("\(error); nothing of the batch was imported")
        }
    }
}
