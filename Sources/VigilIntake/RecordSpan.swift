/// Where one record of a batch lies in the batch's bytes, before it is parsed: a JSON line or a JSON array's
/// element, or a stretch that breaks the array's own syntax (`problem`), which becomes a rejected record.
struct RecordSpan: Equatable {
    /// The record's bytes (white space around it excluded).
    var range: Range<Int>
    /// The line its first byte is on.
    var line: Int
    /// Why the stretch is not a record; nil for a record.
    var problem: String?
}
