/// Cuts a batch that arrives a block at a time (a file read from disk, a request body off the network) into
/// segments of whole records, in every layout: JSON Lines at line ends, a JSON array between its elements
/// (`JSONArraySplitter`), an XML batch between its records (`XMLRecordSplitter`), CSV between rows, each CSV segment headed by the file's header row. What it holds
/// is the segment being cut and the bytes after it, never the batch, so a batch of any size is read in the
/// same memory.
public struct BatchSegmenter {
    /// A run of whole records, with what is needed to read them on their own.
    public struct Segment: Sendable {
        /// The bytes: whole lines (JSON Lines), elements with the separators between them (a JSON array or
        /// an XML batch, positions in `elements`), or the header row followed by whole rows (CSV).
        public var bytes: [UInt8]
        /// The file's number of the segment's first line (CSV: of its first row after the header).
        public var firstLine: Int
        /// The batch's layout.
        public var layout: BatchLayout
        /// A JSON array's or XML batch's records and breaks of its syntax, in order (positions in `bytes`).
        var elements: [RecordSpan] = []

        /// A segment of JSON Lines whose first line is the file's `firstLine`.
        public init(lines bytes: [UInt8], firstLine: Int) {
            self.bytes = bytes
            self.firstLine = firstLine
            self.layout = .jsonLines
        }

        init(bytes: [UInt8], firstLine: Int, layout: BatchLayout, elements: [RecordSpan] = []) {
            self.bytes = bytes
            self.firstLine = firstLine
            self.layout = layout
            self.elements = elements
        }
    }

    /// A segmenter of a batch in `format`, cutting segments of about `segmentBytes` (a single record longer
    /// than that is held whole) that hold a whole multiple of `recordMultiple` records when they hold that many.
    /// `firstLine` numbers the batch's first line when it is a part of a larger JSON Lines file.
    public init(format: IntakeFormat, firstLine: Int = 1, segmentBytes: Int, recordMultiple: Int) {
        self.firstLine = firstLine
        self.format = format
        self.segmentBytes = segmentBytes
        self.recordMultiple = recordMultiple
        self.nextLook = segmentBytes
    }

    private let format: IntakeFormat
    private let segmentBytes: Int
    private let recordMultiple: Int
    private var pending: [UInt8] = []
    private var layout: BatchLayout?
    private var firstLine: Int
    private var splitter: any RecordSplitter = JSONArraySplitter()
    private var queuedElements: [RecordSpan] = []
    private var csvHeader: [UInt8]?
    private var sentCSVSegment = false
    private var finished = false
    private var ended = false
    /// How many bytes the buffer must hold before the next look for a segment.
    private var nextLook: Int

    /// Adds the batch's next bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        pending.append(contentsOf: bytes)
    }

    /// The next segment, reading the batch's next blocks with `read` (nil at the end of the batch) until one
    /// is whole; nil once every record has been handed out.
    public mutating func next(reading read: () async throws -> [UInt8]?) async rethrows -> Segment? {
        while true {
            if let segment = next(atEnd: ended) { return segment }
            if ended { return nil }
            if let block = try await read() { append(block) } else { ended = true }
        }
    }

    /// The next segment; nil when more bytes are needed, or, once the batch has ended (`atEnd`), when every
    /// record has been handed out.
    mutating func next(atEnd: Bool) -> Segment? {
        guard !finished, atEnd || pending.count >= nextLook else { return nil }
        if layout == nil, atEnd || pending.contains(0x0A) {
            layout = BatchLayout.of(pending[...], format: format)
            if layout == .xml { splitter = XMLRecordSplitter() }
        }
        let segment: Segment?
        switch layout {
        case .jsonLines: segment = nextLines(atEnd: atEnd)
        case .jsonArray, .xml: segment = nextElements(atEnd: atEnd)
        case .csv: segment = nextRows(atEnd: atEnd)
        case nil: segment = nil
        }
        if atEnd, segment == nil {
            finished = true
            pending = []
        }
        // A look that cut nothing (a record longer than a segment is still arriving) waits until the buffer
        // has doubled, so a long record is scanned a few times, not once per block.
        nextLook = segment == nil ? 2 * pending.count : segmentBytes
        return segment
    }

    private mutating func nextLines(atEnd: Bool) -> Segment? {
        guard atEnd || pending.count >= segmentBytes, !pending.isEmpty else { return nil }
        var cut = SegmentCut(limit: segmentBytes, multiple: recordMultiple)
        pending.withUnsafeBufferPointer { buffer in
            var lastEnd = 0
            while true {
                let end = buffer.endOfLine(from: lastEnd)
                guard end > lastEnd, atEnd || buffer[end - 1] == 0x0A,
                    cut.offer(end: end, isRecord: buffer[lastEnd..<end].contains { !Self.isBlank($0) })
                else { return }
                lastEnd = end
            }
        }
        let (lines, end) = cut.chosen(atEnd: atEnd)
        guard lines > 0 else { return nil }
        defer { firstLine += lines }
        return Segment(lines: take(end), firstLine: firstLine)
    }

    private mutating func nextElements(atEnd: Bool) -> Segment? {
        queuedElements += pending.withUnsafeBufferPointer { splitter.spans(in: $0, atEnd: atEnd) }
        var cut = SegmentCut(limit: segmentBytes, multiple: recordMultiple)
        for element in queuedElements where !cut.offer(end: element.range.upperBound) { break }
        guard !queuedElements.isEmpty, atEnd || cut.isFull || pending.count >= segmentBytes else {
            dropSettled()
            return nil
        }
        let count = cut.chosen(atEnd: atEnd).offers
        let taken = Array(queuedElements.prefix(count))
        queuedElements.removeFirst(count)
        let end = queuedElements.first.map { $0.range.lowerBound } ?? splitter.settledEnd
        splitter.dropFirst(end)
        queuedElements = queuedElements.map { piece in
            var moved = piece
            moved.range = (piece.range.lowerBound - end)..<(piece.range.upperBound - end)
            return moved
        }
        return Segment(bytes: take(end), firstLine: taken[0].line, layout: layout ?? .jsonArray, elements: taken)
    }

    /// Drops what precedes the next record (a JSON array's `[`, separators, white space), so a batch whose
    /// records never end cannot grow the buffer with bytes already read past.
    private mutating func dropSettled() {
        guard queuedElements.isEmpty else { return }
        let settled = splitter.settledEnd
        guard settled >= 1 << 16 else { return }
        splitter.dropFirst(settled)
        pending.removeFirst(settled)
    }

    private mutating func nextRows(atEnd: Bool) -> Segment? {
        if csvHeader == nil {
            let start = pending.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var rows = CSVRows(pending, from: start)
            guard rows.next() != nil, rows.isComplete || atEnd || pending.count >= segmentBytes else { return nil }
            csvHeader = Array(pending[start..<rows.offset])
            firstLine = rows.line
            _ = take(rows.offset)
        }
        let enough = atEnd || pending.count >= segmentBytes
        guard enough, !pending.isEmpty || !sentCSVSegment else { return nil }
        var rows = CSVRows(pending, from: 0, firstLine: firstLine)
        var cut = SegmentCut(limit: segmentBytes, multiple: recordMultiple)
        var lineAfter: [Int: Int] = [:]
        // A row is cut only once it is whole; a first row still open after `longestCSVRow` bytes (a quote that
        // never closes) is read as it stands, so it cannot hold the rest of the batch.
        while let row = rows.next(), rows.isComplete || atEnd || cut.records == 0 && pending.count >= Self.longestCSVRow,
            cut.offer(end: rows.offset, isRecord: (try? row.cells.get()) != [""])
        {
            lineAfter[rows.offset] = rows.line
        }
        let end = cut.chosen(atEnd: atEnd).end
        guard end > 0 || atEnd && !sentCSVSegment else { return nil }
        defer { (firstLine, sentCSVSegment) = (lineAfter[end] ?? firstLine, true) }
        // The first segment goes even without rows, so that a header lacking a column refuses the file.
        return Segment(bytes: csvHeader! + take(end), firstLine: firstLine, layout: .csv)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// A CSV row still open after this many bytes is read as it stands: a quote that never closes makes the
    /// row malformed and reading resumes at the line after its start, as it would at the end of the file.
    static let longestCSVRow = 16 << 20

    /// The buffer's first `count` bytes, removed from it.
    private mutating func take(_ count: Int) -> [UInt8] {
        let taken = Array(pending[..<count])
        pending.removeFirst(count)
        return taken
    }
}

/// Where a segment ends, chosen as its records' ends are offered in order: the records within `limit` bytes
/// (at least one, however long), and of those a whole multiple of `multiple` when that many fit and more
/// records follow, so that every import transaction but the batch's last is full. Blank lines and rows
/// are offered too, but do not count as records.
struct SegmentCut {
    let limit: Int
    let multiple: Int
    private(set) var records = 0
    private var taken = (offers: 0, end: 0)
    private var atMultiple = (offers: 0, end: 0)
    /// Whether an offer was refused: the segment is full.
    private(set) var isFull = false

    init(limit: Int, multiple: Int) {
        self.limit = limit
        self.multiple = multiple
    }

    /// Offers the next record (or blank line, not `isRecord`), which ends at `end`; false (and it not taken)
    /// once full.
    mutating func offer(end: Int, isRecord: Bool = true) -> Bool {
        guard taken.end == 0 || end <= limit else {
            isFull = true
            return false
        }
        taken = (taken.offers + 1, end)
        guard isRecord else { return true }
        records += 1
        if records % multiple == 0 { atMultiple = taken }
        return true
    }

    /// How many offers the segment takes and where it ends: everything offered at the end of the batch when
    /// nothing was refused, else up to the last whole multiple of records when there is one; no offers and
    /// 0 when nothing was offered.
    func chosen(atEnd: Bool) -> (offers: Int, end: Int) {
        atMultiple.offers == 0 || atEnd && !isFull ? taken : atMultiple
    }
}
