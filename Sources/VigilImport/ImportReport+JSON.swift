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
        out.append(contentsOf: #"{"accepted":"#.utf8)
        append(accepted, to: &out)
        if let acknowledged {
            out.append(contentsOf: #","acknowledged":"#.utf8)
            appendEncoded(acknowledged, to: &out)
        }
        out.append(contentsOf: #","duplicates":"#.utf8)
        append(duplicates, to: &out)
        out.append(contentsOf: #","records":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
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
        out.append(contentsOf: #"],"rejected":"#.utf8)
        append(rejected, to: &out)
        if let unacknowledged {
            out.append(contentsOf: #","unacknowledged":"#.utf8)
            appendEncoded(unacknowledged, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Line ranges as `VigilJSON.encoder` writes them (rare and short, so no hand-written form).
    private func appendEncoded(_ ranges: [SentLines], to out: inout [UInt8]) {
        let data = (try? VigilJSON.encoder.encode(ranges)) ?? Data("[]".utf8)
        out.append(contentsOf: data)
    }

    private func append(_ number: Int, to out: inout [UInt8]) {
        out.append(contentsOf: String(number).utf8)
    }

    private func appendOptional(_ text: String?, to out: inout [UInt8]) {
        if let text {
            JSONText.appendString(text, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }
}
