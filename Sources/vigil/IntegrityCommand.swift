import ArgumentParser
import Foundation
import VigilStore

/// `vigil integrity`: the store's check of itself after a crash or a restore.
struct IntegrityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrity",
        abstract:
            "Check the store after a crash or a restore: the database's own checks, every case with its referral and grade, derived counts against recomputed ones, and the audit chain; exit 2 and say what is wrong if anything is."
    )

    @OptionGroup var store: StoreOptions

    mutating func run() async throws {
        let checkpoint = try AuditCheckpointFile(path: store.checkpointPath).load()
        let (problems, audit) = try await store.withStore { store in
            (try await store.integrityProblems(), try await store.verifyAudit(against: checkpoint))
        }
        let auditProblem =
            audit.isIntact ? nil : "audit log broken: " + (audit.firstBrokenId.map { "entry \($0) " } ?? "") + (audit.reason ?? "guards missing")
        let all = problems + (auditProblem.map { [$0] } ?? [])
        for problem in all { print("integrity FAILED: \(problem)") }
        if all.isEmpty { print("integrity ok: store consistent, audit log intact (\(audit.entries) entries)") }
        if !all.isEmpty { throw ExitCode(2) }
    }
}
