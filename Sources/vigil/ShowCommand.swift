import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil show CASE [--json]`.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a case: why it is graded as it is, its facts, checks, flags and history."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id, e.g. C-000042.")
    var caseId: String

    @Flag(help: "Print the case as JSON.")
    var json = false

    @Option(help: "Who reads the case, for the audit log (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let now = Date()
        let target = try store.open()
        let id = try parseCaseID(caseId)
        let detail = try await target.caseDetail(id, asOf: now)
        try await CommandLineActor.audit(target, actor: CommandLineActor.name(by), action: "case.show", caseId: id)
        if json {
            try FileOutput.printJSON(detail)
        } else {
            print(CaseText.render(detail, asOf: now))
        }
    }
}
