import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil audit verify|show`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the keyed hash chain of the audit log, export its signed head, or show its entries.",
        subcommands: [Verify.self, Checkpoint.self, Show.self]
    )

    /// `vigil audit verify [--checkpoint FILE] [--json]`: exit 0 when intact, 2 when not.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recompute every link of the audit log under the audit key, check its guard triggers and its exported checkpoint; exit 2 and say what is wrong if anything is."
        )

        @OptionGroup var store: StoreOptions

        @Option(
            help:
                "The exported checkpoint to check against (default: <db>.audit-checkpoint.json when it exists; for PostgreSQL beside the audit key file, named after the database)."
        )
        var checkpoint: String?

        @Flag(help: "Print JSON.")
        var json = false

        mutating func run() async throws {
            let file = AuditCheckpointFile(path: checkpoint ?? store.checkpointPath)
            let saved = try file.load()
            if checkpoint != nil, saved == nil { throw ValidationError("--checkpoint: \(file.path) does not exist") }
            let result = try await store.withStore { try await $0.verifyAudit(against: saved) }
            if json {
                try FileOutput.printJSON(result)
            } else {
                if let broken = result.firstBrokenId {
                    print("audit log BROKEN at entry \(broken): \(result.reason ?? "")")
                } else if let reason = result.reason {
                    print("audit log BROKEN: \(reason)")
                } else {
                    print(
                        "audit log intact: \(result.entries) entries"
                            + (result.checkpointEntries.map { ", the \($0) of checkpoint \(file.path) all present" } ?? ""))
                }
                if !result.missingGuards.isEmpty {
                    print(
                        "audit log UNGUARDED: trigger(s) \(result.missingGuards.joined(separator: ", ")) missing; entries can be changed or deleted")
                }
                if saved == nil {
                    print(
                        "no checkpoint at \(file.path): entries removed from the end of the log cannot be detected (write one with `vigil audit checkpoint`)"
                    )
                }
            }
            if !result.isIntact { throw ExitCode(2) }
        }
    }

    /// `vigil audit checkpoint [--out FILE]`.
    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the audit chain's signed head (entries, last id and hash, HMAC) for later verification.")

        @OptionGroup var store: StoreOptions

        @Option(help: "Where to write it (default: <db>.audit-checkpoint.json; for PostgreSQL beside the audit key file, named after the database).")
        var out: String?

        mutating func run() async throws {
            let file = AuditCheckpointFile(path: out ?? store.checkpointPath)
            do {
                let checkpoint = try await store.withStore { try await file.refresh(from: $0, at: Date()) }
                print("audit checkpoint \(file.path): \(checkpoint.entries) entries, last #\(checkpoint.lastId)")
            } catch let problem as CheckpointProblem {
                FileOutput.standardError("\(problem)\n")
                throw ExitCode(2)
            }
        }
    }

    /// `vigil audit show [--case ID] [--json]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show audit entries, of one case or all.")

        @OptionGroup var store: StoreOptions

        @Option(name: .customLong("case"), help: "Only this case's entries.")
        var caseId: String?

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: "Who reads the audit log, for the audit log itself (default: $USER).")
        var by: String?

        mutating func run() async throws {
            try await store.withStore { target in
                let actor = try CommandLineActor.actor(by)
                let id = try caseId.map(parseCaseID)
                let entries = try await target.audit(caseId: id)
                try await CommandLineActor.audit(target, actor: actor, action: .auditRead, caseId: id, detail: "CLI")
                if json {
                    try FileOutput.printJSON(entries)
                } else {
                    for entry in entries {
                        // Every field escaped: a rationale with newlines or terminal codes cannot forge an entry.
                        print(
                            DisplayText.escaped(
                                "#\(entry.id) \(Timestamp.format(entry.at)) \(entry.actor) \(entry.action)"
                                    + (entry.caseId.map { " \($0)" } ?? "") + (entry.detail.isEmpty ? "" : " — \(entry.detail)")
                                    + " [\(entry.remote)]"))
                    }
                }
            }
        }
    }
}
