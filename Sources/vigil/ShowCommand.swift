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

    @OptionGroup var remote: ServerOptions

    @Argument(help: "The case id, e.g. C-000042.")
    var caseId: String

    @Flag(help: "Print the case as JSON.")
    var json = false

    @Option(help: "Who reads the case, for the audit log (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let json = json
        if let (server, token) = try remote.target() {
            try await APIClient.run(server: server, token: token) { client in
                try Self.show(try await client.send("GET", "/api/v1/cases/\(id)").decode(CaseDetail.self), json: json)
            }
            return
        }
        try await store.withStore { target in
            let actor = try CommandLineActor.actor(by)
            let detail = try await target.caseDetail(id, asOf: Date())
            try await CommandLineActor.audit(target, actor: actor, action: .caseShow, caseId: id)
            try Self.show(detail, json: json)
        }
    }

    private static func show(_ detail: CaseDetail, json: Bool) throws {
        if json {
            try FileOutput.printJSON(detail)
        } else {
            print(CaseText.render(detail, asOf: Date()))
        }
    }
}
