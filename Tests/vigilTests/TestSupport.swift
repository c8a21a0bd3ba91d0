import Foundation
import VigilCore

/// The port an in-process server bound, once it is bound.
actor AnnouncedPort {
    private var value: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    /// Called by the server once it listens.
    func set(_ port: Int) {
        value = port
        waiters.forEach { $0.resume(returning: port) }
        waiters = []
    }

    /// The port, waiting for the server to bind it.
    func get() async -> Int {
        if let value { return value }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// A source configuration file's content: the default sources at `base`, with timeouts and retries short
/// enough for tests (a dead worker's leases expire in seconds, retries come within 100–500 ms).
func quickSourceConfiguration(base: String, maxAttempts: Int = 4, timeoutMs: Int = 3000, backoffMaxMs: Int = 500) throws -> Data {
    let sources = IntelSourceSpec.defaults(baseURL: base).map { source in
        var quick = source
        quick.timeoutMs = timeoutMs
        quick.connectTimeoutMs = 500
        quick.maxAttempts = maxAttempts
        quick.backoffBaseMs = backoffMaxMs / 5
        quick.backoffMaxMs = backoffMaxMs
        return quick
    }
    struct File: Encodable { var sources: [IntelSourceSpec] }
    return try JSONEncoder().encode(File(sources: sources))
}
