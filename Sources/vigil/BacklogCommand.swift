import ArgumentParser
import Foundation
import VigilCore
import VigilServer
import VigilStore

/// `vigil backlog [--json] [--as-of T] [--limit N]`, or the aged-backlog matrix with `--aged [--json|--csv]`.
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

    @Option(help: "Show at most N cases.", transform: NumberOption.listCount)
    var limit: Int?

    @Flag(help: "Print the aged-backlog matrix (effective grade × time waiting, with overdue counts) instead of the cases.")
    var aged = false

    @Flag(help: "With --aged: print CSV (the dashboard's /reports/aged-backlog.csv).")
    var csv = false

    @Option(help: "Who reads the backlog, for the audit log (default: $USER).")
    var by: String?

    mutating func validate() throws {
        if csv && !aged { throw ValidationError("--csv goes with --aged") }
        if csv && json { throw ValidationError("choose --json or --csv") }
        if aged && (limit != nil || remote.server != nil) { throw ValidationError("--aged reads a local database; it takes no --limit or --server") }
    }

    mutating func run() async throws {
        let moment = try asOf.map { try parseTimestamp($0, option: "--as-of") } ?? Date()
        let json = json
        if aged {
            try await store.withStore { target in
                let actor = try CommandLineActor.actor(by)
                let matrix = try await target.agedBacklog(asOf: moment)
                try await CommandLineActor.audit(
                    target, actor: actor, action: .backlogAged, caseId: nil,
                    detail: "as of \(Timestamp.format(moment))\(csv ? ", CSV" : json ? ", JSON" : "")")
                if json {
                    try FileOutput.printJSON(matrix)
                } else if csv {
                    print(AgedBacklogCSV.text(matrix), terminator: "")
                } else {
                    print(AgedBacklogTable.render(matrix))
                }
            }
            return
        }
        if let (server, token) = try remote.target() {
            let limit = limit
            try await APIClient.run(server: server, token: token) { client in
                try Self.show(try await Self.fetch(client, asOf: moment, limit: limit), json: json)
            }
        } else {
            try await store.withStore { target in
                let actor = try CommandLineActor.actor(by)
                let cases = try await target.backlog(asOf: moment, limit: limit)
                try await CommandLineActor.audit(
                    target, actor: actor, action: .backlogList, caseId: nil,
                    detail: "as of \(Timestamp.format(moment))\(limit.map { ", limit \($0)" } ?? "")")
                try Self.show(BacklogListing(asOf: moment, cases: cases), json: json)
            }
        }
    }

    /// The listing through the API, following its pages until `limit` cases or the last page.
    private static func fetch(_ client: APIClient, asOf: Date, limit: Int?) async throws -> BacklogListing {
        var listing = BacklogListing(asOf: asOf, cases: [])
        var path: String? = "/api/v1/backlog?asOf=\(Timestamp.format(asOf))"
        while let current = path, listing.cases.count < limit ?? .max {
            let page = try await client.send("GET", current).decode(BacklogListing.self)
            listing.cases += page.cases
            path = page.next
        }
        if let limit { listing.cases = Array(listing.cases.prefix(limit)) }
        return listing
    }

    private static func show(_ listing: BacklogListing, json: Bool) throws {
        if json {
            try FileOutput.printJSON(listing)
        } else {
            print(BacklogTable.render(listing.cases, asOf: listing.asOf))
        }
    }
}
