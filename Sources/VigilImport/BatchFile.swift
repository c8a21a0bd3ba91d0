public import Foundation
public import VigilIntake

/// A batch file read from disk in bounded memory: a JSON Lines file in segments of whole lines, so its
/// size never decides how much is held at once; a JSON array or CSV file (which cannot be split without
/// parsing it) whole.
public struct BatchFile: Sendable {
    /// A file that cannot be opened or read.
    public struct Unreadable: Error {}

    /// A reader of the file at `path`, in segments of about `segmentBytes`.
    public init(path: String, format: IntakeFormat, segmentBytes: Int = 16 << 20) {
        self.path = path
        self.format = format
        self.segmentBytes = segmentBytes
    }

    /// The file's path.
    public let path: String
    /// The records' format.
    public let format: IntakeFormat
    /// About how many bytes a JSON Lines segment holds (a segment ends at the last line end in it; a
    /// single line longer than this is held whole).
    public var segmentBytes = 16 << 20

    /// Hands `body` the file's batches in file order, each record numbered with its line in the file;
    /// throws `Unreadable`, or `BatchReadError` for a JSON array or CSV file that cannot be read at all.
    public func forEachBatch(now: @escaping () -> Date, _ body: (Batch) async throws -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Unreadable() }
        defer { try? handle.close() }
        var pending = try read(handle)
        while !pending.contains(0x0A), case let block = try read(handle), !block.isEmpty { pending += block }
        guard BatchLayout.of(pending[...], format: format) == .jsonLines else {
            while case let block = try read(handle), !block.isEmpty { pending += block }
            try await body(try BatchReader.open(pending, format: format, now: now()))
            return
        }
        var firstLine = 1
        var atEnd = false
        var hasLineEnd = pending.contains(0x0A)
        while true {
            while !atEnd, pending.count < segmentBytes || !hasLineEnd {
                let block = try read(handle)
                atEnd = block.isEmpty
                hasLineEnd = hasLineEnd || block.contains(0x0A)
                pending += block
            }
            let cut = atEnd ? pending.count : pending.lastIndex(of: 0x0A)! + 1
            guard cut > 0 else { return }
            let segment = Array(pending[..<cut])
            pending.removeFirst(cut)
            hasLineEnd = pending.contains(0x0A)
            try await body(BatchReader.openLines(segment, format: format, firstLine: firstLine, now: now()))
            firstLine += segment.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
    }

    private func read(_ handle: FileHandle) throws -> [UInt8] {
        do {
            return [UInt8](try handle.read(upToCount: 1 << 20) ?? Data())
        } catch {
            throw Unreadable()
        }
    }
}
