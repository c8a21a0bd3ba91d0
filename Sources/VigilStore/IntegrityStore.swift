/// A store's check of itself, run after a crash or a restore (`vigil integrity`) and by the crash
/// campaigns: what the database engine can check of its own files and keys, and what the store keeps twice
/// (derived columns and counts) against what it recomputes from the rows they summarise.
public protocol IntegrityStore: Sendable {
    /// Every problem found, each one sentence naming what is wrong and how often; empty when none is.
    func integrityProblems() async throws -> [String]
}
