import Foundation

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
public func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
