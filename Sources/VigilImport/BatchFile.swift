public import Foundation
public import VigilIntake

/// A batch file read from disk in bounded memory: a JSON Lines file in segments of whole lines, so its
/// size never decides how much is held at once; a JSON array or CSV file (which cannot be split without
/// parsing it) whole.
public struct BatchFile: Sendable {
    /// A file that cannot be opened or read.
    public struct Unreadable: Error {}

    /// A reader of the file at `path`, in segments of about `segmentBytes`.
    public init(path: String, format: IntakeFormat, segmentBytes: Int = 16 << 20) {
        self.path = path
        self.format = format
        self.segmentBytes = segmentBytes
    }

    /// The file's path.
    public let path: String
    /// The records' format.
    public let format: IntakeFormat
    /// About how many bytes a JSON Lines segment holds (a segment ends at the last line end in it; a
    /// single line longer than this is held whole).
    public var segmentBytes = 16 << 20

    /// Opens the file; throws `Unreadable`.
    public func open() throws -> Reader {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Unreadable() }
        return Reader(file: self, handle: handle)
    }

    /// The file's batches in file order, each record numbered with its line in the file.
    public struct Reader {
        let file: BatchFile
        let handle: FileHandle
        private var pending: [UInt8] = []
        private var started = false
        private var wholeFile = false
        private var atEnd = false
        private var hasLineEnd = false
        private var firstLine = 1

        init(file: BatchFile, handle: FileHandle) {
            self.file = file
            self.handle = handle
        }

        /// A run of the file's bytes: whole lines of a JSON Lines file, or the whole of any other file.
        public struct Segment: Sendable {
            /// The bytes.
            public var bytes: [UInt8]
            /// The file's number of the segment's first line.
            public var firstLine: Int
            /// The file's layout.
            public var layout: BatchLayout

            /// A segment of `bytes` whose first line is the file's `firstLine`.
            public init(bytes: [UInt8], firstLine: Int, layout: BatchLayout) {
                self.bytes = bytes
                self.firstLine = firstLine
                self.layout = layout
            }
        }

        /// The next batch, stamped with `now`; nil after the last. Throws `Unreadable`, or `BatchReadError`
        /// for a JSON array or CSV file that cannot be read at all. The handle is closed at the end.
        public mutating func next(now: Date) throws -> Batch? {
            guard let segment = try nextSegment() else { return nil }
            guard segment.layout == .jsonLines else { return try BatchReader.open(segment.bytes, format: file.format, now: now) }
            return BatchReader.openLines(segment.bytes, format: file.format, firstLine: segment.firstLine, now: now)
        }

        /// The next segment of the file's bytes, unparsed; nil after the last. Throws `Unreadable`.
        public mutating func nextSegment() throws -> Segment? {
            if !started {
                started = true
                while !hasLineEnd, !atEnd { try readBlock() }
                wholeFile = BatchLayout.of(pending[...], format: file.format) != .jsonLines
            }
            if wholeFile {
                guard !pending.isEmpty || !atEnd else { return nil }
                while !atEnd { try readBlock() }
                defer { finish() }
                return Segment(bytes: pending, firstLine: 1, layout: BatchLayout.of(pending[...], format: file.format))
            }
            while !atEnd, pending.count < file.segmentBytes || !hasLineEnd { try readBlock() }
            let cut = atEnd ? pending.count : pending.lastIndex(of: 0x0A)! + 1
            guard cut > 0 else {
                finish()
                return nil
            }
            let segment = Segment(bytes: Array(pending[..<cut]), firstLine: firstLine, layout: .jsonLines)
            pending.removeFirst(cut)
            hasLineEnd = pending.contains(0x0A)
            firstLine += segment.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return segment
        }

        private mutating func readBlock() throws {
            let block: Data
            do {
                block = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                finish()
                throw Unreadable()
            }
            atEnd = block.isEmpty
            hasLineEnd = hasLineEnd || block.contains(0x0A)
            pending += block
        }

        private mutating func finish() {
            pending = []
            atEnd = true
            try? handle.close()
        }
    }
}
