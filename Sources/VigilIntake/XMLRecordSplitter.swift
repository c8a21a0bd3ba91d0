/// Finds the records of an XML batch as its bytes arrive, without parsing them: each element at the record
/// level (inside a root `<ncaReferrals>` when the batch has one, else each top-level element of a stream of
/// them) is one record, parsed on its own later, so a broken record is that record's error and never the
/// batch's. It follows tags, quoted attribute values, comments, CDATA sections and processing instructions
/// only. Like `JSONArraySplitter` it works on a buffer that grows at its end and loses whole records at its
/// start (`dropFirst`), so a batch of any size is split in the memory of the records not yet taken.
struct XMLRecordSplitter: RecordSplitter {
    /// The name of the optional root that wraps a batch's records.
    static let batchRoot = "ncaReferrals"

    private enum Place: Equatable {
        /// Between tags.
        case text
        /// Inside a start or end tag; `quote` is the open attribute quote, if any.
        case tag(quote: UInt8?)
        /// Inside a comment, a CDATA section, a processing instruction or a DOCTYPE, until `terminator`.
        case skipping(terminator: [UInt8])
        /// After text that breaks the batch beyond repair (reported once).
        case ignoringRest
    }

    private var place = Place.text
    private var index = 0
    private var line = 1
    /// Open elements (the root wrapper included).
    private var depth = 0
    /// The depth at which records stand: 1 inside a root `<ncaReferrals>`, else 0.
    private var recordDepth = 0
    private var sawElement = false
    private var wrapperClosed = false
    private var recordStart: Int?
    private var recordLine = 1
    private var openRecordName = ""
    private var tagStart = 0
    private var tagLine = 1
    private var strayTextStart: Int?
    private var strayTextLine = 1
    private var skippedProblem: String?

    /// The records, and breaks of the batch's syntax, whose end lies in `bytes` (the buffer, grown since the
    /// last call); at the end of the batch (`atEnd`) also an unfinished record.
    mutating func spans(in bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> [RecordSpan] {
        var found: [RecordSpan] = []
        if index == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        scanning: while index < bytes.count {
            let byte = bytes[index]
            switch place {
            case .ignoringRest:
                index = bytes.count
                continue scanning
            case .skipping(let terminator):
                if index + terminator.count > bytes.count, !atEnd { break scanning }
                if Self.matches(terminator, in: bytes, at: index) {
                    if let problem = skippedProblem {
                        found.append(RecordSpan(range: tagStart..<index + terminator.count, line: tagLine, problem: problem))
                        skippedProblem = nil
                    }
                    advance(over: terminator.count, in: bytes)
                    place = .text
                    continue scanning
                }
            case .tag(let quote):
                if let quote {
                    if byte == quote { place = .tag(quote: nil) }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    place = .tag(quote: byte)
                } else if byte == UInt8(ascii: ">") {
                    index += 1
                    place = .text
                    closeTag(in: bytes, found: &found)
                    continue scanning
                }
            case .text:
                if byte == UInt8(ascii: "<") {
                    guard let kind = Self.markupKind(in: bytes, at: index, atEnd: atEnd) else { break scanning }
                    endStrayText(at: index, found: &found)
                    (tagStart, tagLine) = (index, line)
                    switch kind {
                    case .comment: place = .skipping(terminator: Array("-->".utf8))
                    case .cdata:
                        if recordStart == nil { skippedProblem = "text outside any XML record" }
                        place = .skipping(terminator: Array("]]>".utf8))
                    case .instruction: place = .skipping(terminator: Array("?>".utf8))
                    case .declaration:
                        skippedProblem = "a DOCTYPE or other declaration is not accepted in an XML batch"
                        let internalSubset = bytes[index..<bytes.count].prefix { $0 != UInt8(ascii: ">") }.contains(UInt8(ascii: "["))
                        place = .skipping(terminator: internalSubset ? Array("]>".utf8) : Array(">".utf8))
                    case .tag:
                        place = .tag(quote: nil)
                    }
                } else if recordStart == nil, !Self.isBlank(byte), strayTextStart == nil {
                    (strayTextStart, strayTextLine) = (index, line)
                }
            }
            if byte == 0x0A { line += 1 }
            index += 1
        }
        if atEnd {
            endStrayText(at: index, found: &found)
            if let start = recordStart {
                found.append(
                    RecordSpan(range: start..<index, line: recordLine, problem: "the batch ends inside this XML record (it is never closed)"))
            } else if place != .text && place != .ignoringRest {
                found.append(RecordSpan(range: tagStart..<index, line: tagLine, problem: "the batch ends inside a tag, comment or section"))
            }
            place = .ignoringRest
        }
        return found
    }

    /// Where the next span can begin at the earliest: bytes before it belong to spans already found.
    var settledEnd: Int {
        if let recordStart { return recordStart }
        if let strayTextStart { return strayTextStart }
        return place == .text || place == .ignoringRest ? index : tagStart
    }

    /// Forgets the buffer's first `count` bytes (the caller dropped them): positions move down by `count`.
    mutating func dropFirst(_ count: Int) {
        index -= count
        tagStart -= count
        recordStart = recordStart.map { $0 - count }
        strayTextStart = strayTextStart.map { $0 - count }
    }

    /// A tag has closed at `index`: opens or closes an element, and a record with it at the record level.
    private mutating func closeTag(in bytes: UnsafeBufferPointer<UInt8>, found: inout [RecordSpan]) {
        let isEnd = bytes[tagStart + 1] == UInt8(ascii: "/")
        let selfClosing = !isEnd && index >= 2 && bytes[index - 2] == UInt8(ascii: "/")
        if isEnd {
            depth -= 1
            // A record's own end tag closes it whatever was left open inside it (a broken record stays one
            // record, and the next one is found).
            if recordStart != nil, depth > recordDepth, tagName(in: bytes, from: tagStart + 2) == openRecordName { depth = recordDepth }
            if depth < 0 {
                found.append(RecordSpan(range: tagStart..<index, line: tagLine, problem: "an XML end tag with no element open"))
                depth = 0
            } else if depth == recordDepth, let start = recordStart {
                found.append(RecordSpan(range: start..<index, line: recordLine, problem: nil))
                recordStart = nil
            } else if depth == 0, recordDepth == 1 {
                wrapperClosed = true
            }
            return
        }
        let name = tagName(in: bytes, from: tagStart + 1)
        if !sawElement, depth == 0, name == Self.batchRoot, !selfClosing {
            (sawElement, recordDepth, depth) = (true, 1, 1)
            return
        }
        sawElement = true
        if depth == 0, wrapperClosed {
            found.append(
                RecordSpan(range: tagStart..<bytes.count, line: tagLine, problem: "an XML element after the batch's closing </\(Self.batchRoot)>"))
            place = .ignoringRest
            index = bytes.count
            return
        }
        if depth == recordDepth, recordStart == nil {
            (recordStart, recordLine, openRecordName) = (tagStart, tagLine, name)
            if selfClosing {
                found.append(RecordSpan(range: tagStart..<index, line: tagLine, problem: nil))
                recordStart = nil
                return
            }
        }
        if !selfClosing { depth += 1 }
    }

    /// The name of the tag whose name starts at `start` (up to white space, `/` or `>`).
    private func tagName(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> String {
        let end = bytes[start..<index].firstIndex { Self.isBlank($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ">") } ?? index
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func endStrayText(at end: Int, found: inout [RecordSpan]) {
        guard let start = strayTextStart else { return }
        found.append(RecordSpan(range: start..<end, line: strayTextLine, problem: "text outside any XML record"))
        strayTextStart = nil
    }

    private mutating func advance(over count: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        for offset in 0..<count where bytes[index + offset] == 0x0A { line += 1 }
        index += count
    }

    private enum MarkupKind { case comment, cdata, instruction, declaration, tag }

    /// What the `<` at `start` opens; nil when the buffer ends before that can be told.
    private static func markupKind(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, atEnd: Bool) -> MarkupKind? {
        let available = bytes.count - start
        guard available >= 9 || atEnd else { return nil }
        if matches(Array("<!--".utf8), in: bytes, at: start) { return .comment }
        if matches(Array("<![CDATA[".utf8), in: bytes, at: start) { return .cdata }
        if matches(Array("<?".utf8), in: bytes, at: start) { return .instruction }
        if matches(Array("<!".utf8), in: bytes, at: start) { return .declaration }
        return .tag
    }

    private static func matches(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + pattern.count <= bytes.count else { return false }
        for offset in pattern.indices where bytes[start + offset] != pattern[offset] { return false }
        return true
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
