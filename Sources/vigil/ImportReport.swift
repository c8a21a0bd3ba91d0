import VigilCore
import VigilIntake
import VigilStore

/// The machine-readable import report of FORMATS.md §6.
struct ImportReport: Encodable {
    /// One record's fate.
    struct Record: Encodable {
        var file: String
        var line: Int
        var ref: String?
        var status: String
        var caseId: CaseID?
        var errors: [FieldError]

        private enum CodingKeys: String, CodingKey { case file, line, ref, status, caseId, errors }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(ref, forKey: .ref)
            try container.encode(status, forKey: .status)
            try container.encode(caseId, forKey: .caseId)
            try container.encode(errors, forKey: .errors)
        }
    }

    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var records: [Record] = []

    private enum CodingKeys: String, CodingKey { case accepted, duplicates, rejected, records }

    /// Adds a record refused at parsing.
    mutating func reject(file: String, line: Int, ref: String?, errors: [FieldError]) {
        rejected += 1
        records.append(Record(file: file, line: line, ref: ref, status: "rejected", caseId: nil, errors: errors))
    }

    /// Adds a record the store accepted, found duplicate, or refused as a conflict.
    mutating func add(file: String, line: Int, ref: String, format: IntakeFormat, outcome: ImportOutcome) {
        switch outcome {
        case .accepted(let id):
            accepted += 1
            records.append(Record(file: file, line: line, ref: ref, status: "accepted", caseId: id, errors: []))
        case .duplicate(let id):
            duplicates += 1
            records.append(Record(file: file, line: line, ref: ref, status: "duplicate", caseId: id, errors: []))
        case .conflict:
            reject(file: file, line: line, ref: ref, errors: [FieldError(
                field: format == .nca ? "packageId" : "leadId",
                message: "a different referral with this ref is already stored; nothing was overwritten")])
        case .failed(let reason):
            reject(file: file, line: line, ref: ref, errors: [FieldError(field: "", message: reason)])
        }
    }

    /// Adds a valid record of a dry run (nothing stored).
    mutating func validated(file: String, line: Int, ref: String) {
        accepted += 1
        records.append(Record(file: file, line: line, ref: ref, status: "accepted", caseId: nil, errors: []))
    }
}
