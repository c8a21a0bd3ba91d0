import Foundation
import VigilCore
import VigilIntake

extension ImportReport {
    /// The report as FORMATS.md §6 JSON, the same text `VigilJSON.encoder` writes from its `Codable` form
    /// (sorted keys, explicit nulls), written by hand: an API import answers 10,000 records at a time, and
    /// `JSONEncoder` took ~40 ms of each such request while the client waited.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + records.count * 96)
        appendJSONOpening(to: &out)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendJSON(record, to: &out)
        }
        appendJSONClosing(to: &out)
        return out
    }

    /// The report's JSON up to its first record: the counts and ranges that sort before `records`.
    public func appendJSONOpening(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"accepted":"#.utf8)
        Self.append(accepted, to: &out)
        if let acknowledged {
            out.append(contentsOf: #","acknowledged":"#.utf8)
            Self.appendEncoded(acknowledged, to: &out)
        }
        out.append(contentsOf: #","duplicates":"#.utf8)
        Self.append(duplicates, to: &out)
        out.append(contentsOf: #","records":["#.utf8)
    }

    /// The report's JSON after its last record.
    public func appendJSONClosing(to out: inout [UInt8]) {
        out.append(contentsOf: #"],"rejected":"#.utf8)
        Self.append(rejected, to: &out)
        if let unacknowledged {
            out.append(contentsOf: #","unacknowledged":"#.utf8)
            Self.appendEncoded(unacknowledged, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// One record's JSON object.
    public static func appendJSON(_ record: Record, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"caseId":"#.utf8)
        appendOptional(record.caseId?.description, to: &out)
        out.append(contentsOf: #","errors":["#.utf8)
        for (errorIndex, error) in record.errors.enumerated() {
            if errorIndex > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"field":"#.utf8)
            JSONText.appendString(error.field, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONText.appendString(error.message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"file":"#.utf8)
        JSONText.appendString(record.file, to: &out)
        out.append(contentsOf: #","line":"#.utf8)
        append(record.line, to: &out)
        out.append(contentsOf: #","ref":"#.utf8)
        appendOptional(record.ref, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        JSONText.appendString(record.status, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Line ranges as `VigilJSON.encoder` writes them (rare and short, so no hand-written form).
    private static func appendEncoded(_ ranges: [SentLines], to out: inout [UInt8]) {
        let data = (try? VigilJSON.encoder.encode(ranges)) ?? Data("[]".utf8)
        out.append(contentsOf: data)
    }

    private static func append(_ number: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(number).utf8)
    }

    private static func appendOptional(_ text: String?, to out: inout [UInt8]) {
        if let text {
            JSONText.appendString(text, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }
}
