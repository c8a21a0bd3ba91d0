import Foundation
import VigilCore

/// A source configuration file's content: the default sources at `base`, with timeouts and retries short
/// enough for tests (a dead worker's leases expire in seconds, retries come within 100–500 ms), and
/// `slowRetries` slow retries `slowRetryMs` apart (none unless asked for).
func quickSourceConfiguration(
    base: String, maxAttempts: Int = 4, timeoutMs: Int = 3000, backoffMaxMs: Int = 500, slowRetries: Int = 0, slowRetryMs: Int = 3_600_000
) throws -> Data {
    let sources = IntelSourceSpec.defaults(baseURL: base).map { source in
        var quick = source
        quick.timeoutMs = timeoutMs
        quick.connectTimeoutMs = 500
        quick.maxAttempts = maxAttempts
        quick.backoffBaseMs = backoffMaxMs / 5
        quick.backoffMaxMs = backoffMaxMs
        quick.slowRetries = slowRetries
        quick.slowRetryMs = slowRetryMs
        return quick
    }
    struct File: Encodable { var sources: [IntelSourceSpec] }
    return try JSONEncoder().encode(File(sources: sources))
}
