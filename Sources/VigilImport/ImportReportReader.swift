import Foundation
import VigilCore
import VigilIntake

/// Reads a FORMATS.md §6 JSON report (a server's answer to `POST /api/v1/referrals`) from a file a block at
/// a time, handing over each record as it is read, so a report of any size is read in the memory of one
/// record. It follows strings, escapes and nesting only to find where each record object ends, and decodes
/// each on its own.
public struct ImportReportReader {
    /// A report that is not §6 JSON.
    public struct Malformed: Error, CustomStringConvertible {
        /// What is wrong with it.
        public var description: String
    }

    private enum Place {
        /// Before the records array: the counts that sort before it.
        case head
        /// Inside the records array.
        case records
        /// After the records array.
        case tail
    }

    private static let recordsKey = Array(#""records":["#.utf8)
    private static let maxFrameBytes = 16 << 20

    private var place = Place.head
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var record: [UInt8] = []
    private var depth = 0
    private var strings = JSONStringScanner()

    /// Reads the report in the file at `path`, calling `each` with every record in order; returns the
    /// report's counts and line ranges (its `records` empty).
    public static func read(path: String, each: (ImportReport.Record) throws -> Void) throws -> ImportReport {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Malformed(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var reader = ImportReportReader()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            try reader.consume(Array(block), each: each)
        }
        return try reader.finish()
    }

    private mutating func consume(_ bytes: [UInt8], each: (ImportReport.Record) throws -> Void) throws {
        var index = 0
        if place == .head {
            let searchFrom = max(0, head.count - Self.recordsKey.count + 1)
            head.append(contentsOf: bytes)
            guard let found = head[searchFrom...].firstRange(of: Self.recordsKey) else {
                guard head.count <= Self.maxFrameBytes else { throw Malformed(description: "no \"records\" array in the report's first 16 MiB") }
                return
            }
            index = bytes.count - (head.count - found.upperBound)
            head.removeSubrange(found.upperBound...)
            place = .records
        }
        while place == .records, index < bytes.count {
            let byte = bytes[index]
            index += 1
            if depth > 0 { record.append(byte) }
            if strings.takesString(byte) { continue }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 0 { record = [byte] }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 {
                    place = .tail
                    tail = [byte]
                    break
                }
                depth -= 1
                if depth == 0 {
                    try each(VigilJSON.decoder.decode(ImportReport.Record.self, from: Data(record)))
                    record = []
                }
            default:
                break
            }
        }
        if place == .tail {
            tail.append(contentsOf: bytes[index...])
            guard tail.count <= Self.maxFrameBytes else { throw Malformed(description: "more than 16 MiB after the report's records") }
        }
    }

    private func finish() throws -> ImportReport {
        guard place == .tail else { throw Malformed(description: "the report ends inside its records") }
        return try VigilJSON.decoder.decode(ImportReport.self, from: Data(head + tail))
    }
}
