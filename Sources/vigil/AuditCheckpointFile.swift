import Foundation
import VigilCore
import VigilStore

/// The exported audit checkpoint (`<db>.audit-checkpoint.json`): read for `vigil audit verify`, written by
/// `vigil audit checkpoint` and periodically by `vigil serve`. A new checkpoint replaces the old one only
/// while the log still matches the old one, so evidence of removed entries is never overwritten.
struct AuditCheckpointFile {
    /// Where the checkpoint lives.
    let path: String

    /// The checkpoint in the file, nil when there is none.
    func load() throws -> AuditCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try VigilJSON.decoder.decode(AuditCheckpoint.self, from: data)
        } catch {
            throw CheckpointProblem(description: "\(path) is not an audit checkpoint: \(error)")
        }
    }

    /// Writes the store's checkpoint now, atomically, unless the log no longer matches the one the file
    /// holds (then the file is kept and the mismatch thrown).
    @discardableResult
    func refresh(from store: any Store, at now: Date) async throws -> AuditCheckpoint {
        if let previous = try load() {
            let check = try await store.verifyAudit(against: previous)
            guard check.isIntact else {
                throw CheckpointProblem(
                    description: "the audit log no longer matches \(path) (\(check.reason ?? "")); the checkpoint is kept as evidence")
            }
        }
        let checkpoint = try await store.auditCheckpoint(at: now)
        try VigilJSON.encoder.encode(checkpoint).write(to: URL(fileURLWithPath: path), options: .atomic)
        return checkpoint
    }
}

/// A checkpoint file that cannot be read, or that the log no longer matches.
struct CheckpointProblem: Error, CustomStringConvertible {
    /// What is wrong.
    var description: String
}
