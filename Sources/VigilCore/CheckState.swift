/// The life of an intelligence check.
public enum CheckState: String, Sendable, Codable, CaseIterable {
    /// Waiting to run (first time, or for its next retry).
    case pending
    /// Leased by a worker and under way.
    case running
    /// Answered; its facts are recorded.
    case done
    /// Gave up after its last retry; visible, never blocking the grade.
    case failed
}
