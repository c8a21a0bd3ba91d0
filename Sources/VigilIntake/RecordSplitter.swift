/// Finds the records of a batch whose records are elements of a larger syntax (a JSON array, an XML batch)
/// as its bytes arrive, on a buffer that grows at its end and loses whole records at its start.
protocol RecordSplitter {
    /// The records, and breaks of the batch's syntax, whose end lies in `bytes` (the buffer, grown since
    /// the last call); at the end of the batch (`atEnd`) also an unfinished record.
    mutating func spans(in bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> [RecordSpan]
    /// Where the next span can begin at the earliest: bytes before it belong to spans already found.
    var settledEnd: Int { get }
    /// Forgets the buffer's first `count` bytes (the caller dropped them): positions move down by `count`.
    mutating func dropFirst(_ count: Int)
}
