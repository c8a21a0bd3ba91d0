/// A store that wakes research workers as soon as due checks are planned, in any process (PostgreSQL's
/// `LISTEN`/`NOTIFY`), so an idle worker need not wait for its next poll; workers still poll, in case a
/// wake-up is lost. A capability a worker discovers by asking the store, like `WriteUpkeep`.
public protocol ResearchWakeups: Sendable {
    /// Returns when checks may have become due, or once `timeout` has passed, whichever is first.
    func researchMayBeDue(within timeout: Duration) async
}
