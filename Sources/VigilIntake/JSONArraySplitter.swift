/// Finds the elements of a JSON array batch as its bytes arrive, without parsing them: it follows strings,
/// escapes and nesting only, so each element can be parsed on its own and a broken element is that
/// element's error (as a broken line of JSON Lines is), never the batch's. It works on a buffer that grows
/// at its end and loses whole elements at its start (`dropFirst`), so a batch of any size is split in the
/// memory of the elements not yet taken.
struct JSONArraySplitter: RecordSplitter {
    private enum Place {
        /// Before the opening `[` (after a byte order mark).
        case beforeArray
        /// Inside the array, before an element or the closing `]`.
        case beforeElement
        /// Inside an element.
        case inElement
        /// After the closing `]`.
        case afterArray
        /// After text that breaks the array's syntax beyond repair (reported once).
        case ignoringRest
    }

    private var place = Place.beforeArray
    /// Where scanning resumes.
    private var index = 0
    /// The line `index` is on.
    private var line = 1
    private var depth = 0
    private var strings = JSONStringScanner()
    private var elementStart = 0
    private var elementLine = 1
    /// The end of the element's last byte that was not white space.
    private var elementEnd = 0
    private var sawElement = false

    /// The elements, and breaks of the array's syntax, whose end lies in `bytes` (the buffer, grown since the last call); at the end of the batch
    /// (`atEnd`) also the unfinished element and a missing `]`.
    mutating func spans(in bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> [RecordSpan] {
        var found: [RecordSpan] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch place {
            case .beforeArray:
                if index == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                    index = 3
                    continue
                }
                if !Self.isBlank(byte) {
                    guard byte == UInt8(ascii: "[") else {
                        found.append(RecordSpan(range: index..<bytes.count, line: line, problem: "a JSON array batch must begin with '['"))
                        place = .ignoringRest
                        continue
                    }
                    place = .beforeElement
                }
            case .beforeElement:
                if byte == UInt8(ascii: "]"), !sawElement {
                    place = .afterArray
                } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    found.append(RecordSpan(range: index..<index + 1, line: line, problem: "an empty element: a ',' with no value before it"))
                    if byte == UInt8(ascii: "]") { place = .afterArray }
                } else if !Self.isBlank(byte) {
                    (place, elementStart, elementLine, depth, strings) = (.inElement, index, line, 0, JSONStringScanner())
                    continue
                }
            case .inElement:
                if strings.takesString(byte) {
                    elementEnd = index + 1
                } else if depth == 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") {
                    found.append(RecordSpan(range: elementStart..<elementEnd, line: elementLine, problem: nil))
                    sawElement = true
                    place = byte == UInt8(ascii: "]") ? .afterArray : .beforeElement
                } else {
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth = max(depth - 1, 0)
                    default: break
                    }
                    if !Self.isBlank(byte) { elementEnd = index + 1 }
                }
            case .afterArray:
                if !Self.isBlank(byte) {
                    found.append(RecordSpan(range: index..<bytes.count, line: line, problem: "text after the JSON array's closing ']'"))
                    place = .ignoringRest
                    continue
                }
            case .ignoringRest:
                index = bytes.count
                continue
            }
            if byte == 0x0A { line += 1 }
            index += 1
        }
        if atEnd {
            switch place {
            case .inElement:
                found.append(
                    RecordSpan(
                        range: elementStart..<elementEnd, line: elementLine,
                        problem: "the batch ends inside this element (the JSON array is never closed)"))
            case .beforeElement:
                found.append(RecordSpan(range: index..<index, line: line, problem: "the JSON array is never closed (a missing ']')"))
            case .beforeArray, .afterArray, .ignoringRest:
                break
            }
            place = .ignoringRest
        }
        return found
    }

    /// Where the next span can begin at the earliest: bytes before it belong to spans already found.
    var settledEnd: Int { place == .inElement ? elementStart : index }

    /// Forgets the buffer's first `count` bytes (the caller dropped them): positions move down by `count`.
    mutating func dropFirst(_ count: Int) {
        index -= count
        elementStart -= count
        elementEnd -= count
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
