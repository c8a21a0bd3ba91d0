import ArgumentParser
import VigilActions
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

    @OptionGroup var remote: ServerOptions

    @Option(
        name: [.customLong("officer"), .customLong("as"), .customLong("by")],
        help: "The investigator claiming the case (default: $USER; with --server: the token's user).")
    var officer: String?

    @Flag(help: "Print {\"case\": …} JSON ({\"case\": null} when nothing is left).")
    var json = false

    mutating func run() async throws {
        let json = json
        if let (server, token) = try remote.target() {
            try await APIClient.run(server: server, token: token) { client in
                let answer = try await client.send("POST", "/api/v1/cases/next")
                Self.show(try answer.decode(ClaimResult.self).claimed, json: json, raw: answer.text)
            }
            return
        }
        guard let officer, !officer.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--officer is required") }
        try await store.withStore { target in
            let entry = try await CommandLineActor.actions(target).claimNext(by: try await CommandLineActor.caseActor(officer, in: target))
            Self.show(entry, json: json, raw: String(decoding: try VigilJSON.encoder.encode(ClaimResult(claimed: entry)), as: UTF8.self))
        }
    }

    private static func show(_ entry: BacklogEntry?, json: Bool, raw: String) {
        if json {
            print(raw)
        } else if let entry {
            print("\(entry.claimedBy ?? "") now holds \(entry.caseId)")
            print(BacklogTable.render([entry], asOf: Date()))
        } else {
            print("Nothing left to claim.")
        }
    }
}
