import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil audit verify|show`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the hash chain of the audit log, or show its entries.",
        subcommands: [Verify.self, Show.self]
    )

    /// `vigil audit verify [--json]`: exit 0 when intact, 2 when a link is broken.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every link of the audit log; exit 2 and name the first broken entry if any.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        mutating func run() async throws {
            let result = try await store.open().verifyAudit()
            if json {
                try FileOutput.printJSON(result)
            } else if let broken = result.firstBrokenId {
                print("audit log BROKEN at entry \(broken): \(result.reason ?? "")")
            } else {
                print("audit log intact: \(result.entries) entries")
            }
            if !result.isIntact { throw ExitCode(2) }
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
            let target = try store.open()
            let actor = try CommandLineActor.name(by)
            let id = try caseId.map(parseCaseID)
            let entries = try await target.audit(caseId: id)
            try await CommandLineActor.audit(target, actor: actor, action: "audit.read", caseId: id, detail: "CLI")
            if json {
                try FileOutput.printJSON(entries)
            } else {
                for entry in entries {
                    // Every field escaped: a rationale with newlines or terminal codes cannot forge an entry.
                    print(DisplayText.escaped("#\(entry.id) \(Timestamp.format(entry.at)) \(entry.actor) \(entry.action)"
                        + (entry.caseId.map { " \($0)" } ?? "") + (entry.detail.isEmpty ? "" : " — \(entry.detail)")
                        + " [\(entry.remote)]"))
                }
            }
        }
    }
}
