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

    @Flag(help: "Print FORMATS.md §6 JSON.")
    var json = false

    @Option(help: "Judge ageing, due and overdue at this time (RFC 3339 with offset); default now.")
    var asOf: String?

    @Option(help: "Show at most N cases.")
    var limit: Int?

    mutating func run() async throws {
        let moment = try asOf.map { try parseTimestamp($0, option: "--as-of") } ?? Date()
        let entries = try await store.open().backlog(asOf: moment, limit: limit)
        if json {
            try FileOutput.printJSON(BacklogListing(asOf: moment, cases: entries))
        } else {
            print(BacklogTable.render(entries, asOf: moment))
        }
    }
}
