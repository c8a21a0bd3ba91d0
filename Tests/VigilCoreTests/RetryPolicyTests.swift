import Testing
import VigilCore

@Suite("retry policy")
struct RetryPolicyTests {
    @Test("the delay doubles per attempt within [ceiling/2, ceiling], spread by jitter")
    func backoff() {
        #expect(RetryPolicy.decide(attempt: 1, maxAttempts: 5, baseMs: 500, maxMs: 30000, jitter: 0) == .retry(afterMs: 250))
        #expect(RetryPolicy.decide(attempt: 1, maxAttempts: 5, baseMs: 500, maxMs: 30000, jitter: 1) == .retry(afterMs: 500))
        #expect(RetryPolicy.decide(attempt: 3, maxAttempts: 5, baseMs: 500, maxMs: 30000, jitter: 0.5) == .retry(afterMs: 1500))
    }

    @Test("the delay is capped")
    func cap() {
        #expect(RetryPolicy.decide(attempt: 40, maxAttempts: 50, baseMs: 500, maxMs: 30000, jitter: 1) == .retry(afterMs: 30000))
    }

    @Test("after the last attempt the check gives up")
    func giveUp() {
        #expect(RetryPolicy.decide(attempt: 4, maxAttempts: 4, baseMs: 500, maxMs: 30000, jitter: 0) == .giveUp)
        #expect(RetryPolicy.decide(attempt: 1, maxAttempts: 1, baseMs: 500, maxMs: 30000, jitter: 0) == .giveUp)
    }
}
