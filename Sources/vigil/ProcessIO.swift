import Foundation

/// The bytes this process has written, from Linux's `/proc/self/io`.
enum ProcessIO {
    /// `write_bytes`: what the process caused to be written to storage (the WAL, the database file) so far,
    /// or nil where the kernel does not report it. Unlike a rate, it hardly varies between runs, so it shows
    /// what a change to the store's layout saves even when the machine's speed wanders.
    static func storageBytesWritten() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("write_bytes:") })
        else { return nil }
        return Int64(line.split(separator: " ").last ?? "")
    }

    /// MB (2^20 bytes) written to storage since `before` (a `storageBytesWritten()` reading); nil when
    /// either reading is missing.
    static func megabytesWritten(since before: Int64?) -> Double? {
        guard let before, let now = storageBytesWritten() else { return nil }
        return Double(now - before) / 1_048_576
    }
}
