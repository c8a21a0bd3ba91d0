public import Foundation

/// A new, empty folder under the system's temporary directory for one test's files; `remove()` deletes it
/// with everything in it.
public struct TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL

    /// Creates a folder named `prefix` and a random UUID.
    public init(prefix: String = "vigil-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Deletes the folder and its contents.
    public func remove() { try? FileManager.default.removeItem(at: url) }
}
