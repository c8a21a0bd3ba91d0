public import Foundation
public import VigilIntake

/// A batch file read from disk in bounded memory: read a block at a time and cut into segments of whole
/// records (`BatchSegmenter`: JSON Lines, a JSON array's elements, CSV rows), so its size never decides how
/// much is held at once.
public struct BatchFile: Sendable {
    /// A file that cannot be opened or read.
    public struct Unreadable: Error {
        /// A file that cannot be opened or read.
        public init() {}
    }

    /// A reader of the file at `path`, in segments of about `segmentBytes`.
    public init(path: String, format: IntakeFormat, segmentBytes: Int = defaultSegmentBytes) {
        self.path = path
        self.format = format
        self.segmentBytes = segmentBytes
    }

    /// The file's path.
    public let path: String
    /// The records' format.
    public let format: IntakeFormat
    /// About how many bytes a segment holds (a single record longer than this is held whole).
    public var segmentBytes = defaultSegmentBytes

    /// 2 MiB: 1,000 packages of about 1.5 KB (one `ImportPipeline.chunkSize` of records, the multiple a
    /// segment is cut at), so the import's transactions stay full while the at most three segments it holds
    /// at once (one read ahead, one being written, one being reported) stay a small part of its memory.
    public static let defaultSegmentBytes = 2 << 20

    /// Opens the file; throws `Unreadable`.
    public func open() throws -> Reader {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Unreadable() }
        return Reader(file: self, handle: handle)
    }

    /// The file's batches in file order, each record numbered with its line in the file.
    public struct Reader {
        let file: BatchFile
        let handle: FileHandle
        private var segmenter: BatchSegmenter

        init(file: BatchFile, handle: FileHandle) {
            self.file = file
            self.handle = handle
            self.segmenter = BatchSegmenter(format: file.format, segmentBytes: file.segmentBytes, recordMultiple: ImportPipeline.chunkSize)
        }

        /// The next batch, stamped with `now`; nil after the last. Throws `Unreadable`, or `BatchReadError`
        /// for a CSV file whose header cannot be read or lacks a column. The handle is closed at the end.
        public mutating func next(now: Date) async throws -> Batch? {
            guard let segment = try await nextSegment() else { return nil }
            return try BatchReader.open(segment, format: file.format, now: now)
        }

        /// The next segment of the file's records, unparsed; nil after the last. Throws `Unreadable`.
        public mutating func nextSegment() async throws -> BatchSegmenter.Segment? {
            let handle = handle
            return try await segmenter.next {
                let block: Data
                do {
                    block = try handle.read(upToCount: 1 << 20) ?? Data()
                } catch {
                    try? handle.close()
                    throw Unreadable()
                }
                guard !block.isEmpty else {
                    try? handle.close()
                    return nil
                }
                return Array(block)
            }
        }
    }
}
