import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil next --officer NAME [--json]`.
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Claim the first case of the backlog order (atomically: nobody else gets it)."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "The investigator claiming the case.")
    var officer: String

    @Flag(help: "Print {\"case\": …} JSON ({\"case\": null} when nothing is left).")
    var json = false

    mutating func run() async throws {
        guard !officer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--officer is empty") }
        let now = Date()
        let target = try store.open()
        let entry = try await target.claimNext(officer: officer, now: now)
        if let entry { try await CommandLineActor.audit(target, actor: officer, action: "case.claim", caseId: entry.caseId) }
        if json {
            try FileOutput.printJSON(ClaimResult(claimed: entry))
        } else if let entry {
            print("\(officer) now holds \(entry.caseId)")
            print(BacklogTable.render([entry], asOf: now))
        } else {
            print("Nothing left to claim.")
        }
    }
}
