public import VigilCore
public import VigilIntake
public import VigilStore

/// The machine-readable import report of FORMATS.md §6.
public struct ImportReport: Codable, Sendable {
    /// One record's fate.
    public struct Record: Codable, Sendable {
        /// The batch file (or `body` for an API upload).
        public var file: String
        /// Line where the record starts.
        public var line: Int
        /// The record's ref, when readable.
        public var ref: String?
        /// `accepted`, `duplicate` or `rejected`.
        public var status: String
        /// The case it opened or joined.
        public var caseId: CaseID?
        /// Why it was rejected.
        public var errors: [FieldError]

        private enum CodingKeys: String, CodingKey { case file, line, ref, status, caseId, errors }

        /// Encodes with explicit `null`s, as FORMATS.md §6 shows them.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(ref, forKey: .ref)
            try container.encode(status, forKey: .status)
            try container.encode(caseId, forKey: .caseId)
            try container.encode(errors, forKey: .errors)
        }
    }

    /// Lines of a file sent to a server: acknowledged (the server answered with their records' fates), or
    /// not (a request it refused, one in flight when the connection failed, the parts not sent after that,
    /// whose records may or may not be stored; sending the file again is safe, since stored records come
    /// back as duplicates).
    public struct SentLines: Codable, Sendable, Equatable {
        /// The batch file.
        public var file: String
        /// The first line of the range; nil for a file sent whole.
        public var firstLine: Int?
        /// The last line of the range; nil for a file sent whole, or for a range that runs to the file's end.
        public var lastLine: Int?
        /// Why the lines were not acknowledged; nil for acknowledged lines.
        public var reason: String?

        /// Creates a range.
        public init(file: String, lines: ClosedRange<Int>?, reason: String?) {
            self.file = file
            self.firstLine = lines?.lowerBound
            self.lastLine = lines?.upperBound
            self.reason = reason
        }

        /// Creates a range from `fromLine` to the end of the file.
        public init(file: String, fromLine: Int, reason: String?) {
            self.file = file
            self.firstLine = fromLine
            self.lastLine = nil
            self.reason = reason
        }
    }

    /// Records stored.
    public var accepted = 0
    /// Records already stored with identical content.
    public var duplicates = 0
    /// Records refused.
    public var rejected = 0
    /// Every record's fate, in batch order.
    public var records: [Record] = []
    /// Line ranges a server acknowledged, and those it did not, when some were not (`vigil import --server`
    /// only; absent otherwise).
    public var acknowledged: [SentLines]?
    public var unacknowledged: [SentLines]?

    /// An empty report.
    public init() {}

    private enum CodingKeys: String, CodingKey { case accepted, acknowledged, duplicates, rejected, records, unacknowledged }

    /// Adds one chunk of a pipeline run: each record with the store's outcome (nil: rejected at parsing,
    /// or a dry run).
    public mutating func add(file: String, format: IntakeFormat, records: [IntakeRecord], outcomes: [ImportOutcome?]) {
        for (record, outcome) in zip(records, outcomes) {
            switch (record.result, outcome) {
            case (.failure(let rejection), _):
                reject(file: file, line: record.line, ref: record.ref, errors: rejection.errors)
            case (.success(let submission), .some(let outcome)):
                add(file: file, line: record.line, ref: submission.referral.ref, format: format, outcome: outcome)
            case (.success(let submission), .none):
                validated(file: file, line: record.line, ref: submission.referral.ref)
            }
        }
    }

    /// Adds another report's records (e.g. a server's answer for one file), under `file`.
    public mutating func merge(_ other: ImportReport, file: String) {
        accepted += other.accepted
        duplicates += other.duplicates
        rejected += other.rejected
        records += other.records.map { record in
            var renamed = record
            renamed.file = file
            return renamed
        }
    }

    /// Adds a record refused at parsing.
    public mutating func reject(file: String, line: Int, ref: String?, errors: [FieldError]) {
        rejected += 1
        records.append(Record(file: file, line: line, ref: ref, status: "rejected", caseId: nil, errors: errors))
    }

    /// Adds a record the store accepted, found duplicate, or refused as a conflict.
    public mutating func add(file: String, line: Int, ref: String, format: IntakeFormat, outcome: ImportOutcome) {
        switch outcome {
        case .accepted(let id):
            accepted += 1
            records.append(Record(file: file, line: line, ref: ref, status: "accepted", caseId: id, errors: []))
        case .duplicate(let id):
            duplicates += 1
            records.append(Record(file: file, line: line, ref: ref, status: "duplicate", caseId: id, errors: []))
        case .conflict(let id):
            reject(
                file: file, line: line, ref: ref,
                errors: [
                    FieldError(
                        field: format.refField,
                        message: "a different referral with this ref is already stored in \(id); nothing was overwritten")
                ])
        case .refused(let field, let reason):
            reject(file: file, line: line, ref: ref, errors: [FieldError(field: field, message: reason)])
        case .failed(let reason):
            reject(file: file, line: line, ref: ref, errors: [FieldError(field: "", message: reason)])
        }
    }

    /// Adds a valid record of a dry run (nothing stored).
    public mutating func validated(file: String, line: Int, ref: String) {
        accepted += 1
        records.append(Record(file: file, line: line, ref: ref, status: "accepted", caseId: nil, errors: []))
    }
}
