import Logging
import Synchronization

/// A log handler that keeps every line, with its metadata, at every level, so that a test can read what
/// a server would have written.
struct CapturedLogs: LogHandler {
    /// The lines logged so far, shared by every copy of the handler.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])

        /// Every line so far.
        var all: [String] { lines.withLock { $0 } }

        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.append("\(event.level) \(event.message) \(merged.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")) \(event.source)")
    }
}
