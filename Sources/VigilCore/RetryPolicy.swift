/// Exponential backoff with jitter for failed check attempts.
public enum RetryPolicy {
    /// What to do after attempt number `attempt` (1-based) failed.
    public enum Decision: Sendable, Equatable {
        /// Try again after this many milliseconds.
        case retry(afterMs: Int)
        /// No attempts left: the check is `failed`.
        case giveUp
    }

    /// The decision for a failed attempt. The delay doubles each attempt from `baseMs`, is capped at
    /// `maxMs`, and is spread by `jitter` (0 ≤ jitter < 1, supplied by the caller) over its upper half,
    /// so that checks failing together do not retry together. After `maxAttempts` quick attempts come
    /// `slowAttempts` more, `slowMs` apart (spread the same way), then it gives up.
    public static func decide(
        attempt: Int, maxAttempts: Int, baseMs: Int, maxMs: Int, jitter: Double, slowAttempts: Int = 0, slowMs: Int = 0
    ) -> Decision {
        if attempt >= maxAttempts, attempt < maxAttempts + slowAttempts {
            return .retry(afterMs: slowMs / 2 + Int(Double(slowMs) / 2 * min(max(jitter, 0), 1)))
        }
        guard attempt < maxAttempts else { return .giveUp }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxMs, baseMs << exponent)
        let spread = Double(ceiling) / 2 * min(max(jitter, 0), 1)
        return .retry(afterMs: ceiling / 2 + Int(spread))
    }
}
