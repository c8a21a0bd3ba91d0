import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil backlog [--json] [--as-of T] [--limit N]`.
struct BacklogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backlog",
        abstract: "List open cases: unclaimed ones in backlog order, then claimed ones."
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var remote: ServerOptions

    @Flag(help: "Print FORMATS.md §6 JSON.")
    var json = false

    @Option(help: "Judge ageing, due and overdue at this time (RFC 3339 with offset); default now.")
    var asOf: String?

    @Option(help: "Show at most N cases.")
    var limit: Int?

    mutating func run() async throws {
        let moment = try asOf.map { try parseTimestamp($0, option: "--as-of") } ?? Date()
        let json = json
        if let (server, token) = try remote.target() {
            let query = "?asOf=\(Timestamp.format(moment))" + (limit.map { "&limit=\($0)" } ?? "")
            try await APIClient.run(server: server, token: token) { client in
                let answer = try await client.send("GET", "/api/v1/backlog" + query)
                try Self.show(try answer.decode(BacklogListing.self), json: json)
            }
        } else {
            try Self.show(BacklogListing(asOf: moment, cases: try await store.open().backlog(asOf: moment, limit: limit)), json: json)
        }
    }

    private static func show(_ listing: BacklogListing, json: Bool) throws {
        if json {
            try FileOutput.printJSON(listing)
        } else {
            print(BacklogTable.render(listing.cases, asOf: listing.asOf))
        }
    }
}
