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

    mutating func run() async throws {
        let now = Date()
        let detail = try await store.open().caseDetail(try parseCaseID(caseId), asOf: now)
        if json {
            try FileOutput.printJSON(detail)
        } else {
            print(CaseText.render(detail, asOf: now))
        }
    }
}
