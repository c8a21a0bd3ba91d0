import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil flags [--json] [--as-of T]`: the social-care and LADO calls to make.
struct FlagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "List the social-care and LADO calls to make: overdue first, then the soonest due, then backlog order.",
        discussion:
            "A call belongs to the case's holder, or to the supervisors while the case is unclaimed. Out of working hours a social-care call goes to the emergency duty team."
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON (docs/API.md, GET /api/v1/flags).")
    var json = false

    @Option(help: "Judge due and overdue at this time (RFC 3339 with offset); default now.")
    var asOf: String?

    @Option(help: "Who reads the calls, for the audit log (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let moment = try asOf.map { try parseTimestamp($0, option: "--as-of") } ?? Date()
        try await store.withStore { target in
            let actor = try CommandLineActor.actor(by)
            let listing = CallListing(asOf: moment, calls: try await target.openCalls(asOf: moment))
            try await CommandLineActor.audit(target, actor: actor, action: .flagsList, caseId: nil, detail: "as of \(Timestamp.format(moment))")
            if json {
                try FileOutput.printJSON(listing)
            } else {
                print(CallsTable.render(listing))
            }
        }
    }
}

/// The calls list as a text table.
enum CallsTable {
    /// One row per call, with a header; "no calls to make" when there are none.
    static func render(_ listing: CallListing) -> String {
        guard !listing.calls.isEmpty else { return "no calls to make" }
        let header = ["CASE", "CALL", "CONTACT", "GRADE", "YOUNGEST", "ACCESS", "OWNER", "RAISED", "DUE", ""]
        let rows = listing.calls.map { call in
            [
                call.caseId.description, DisplayText.escaped(call.key.label), call.contact,
                (call.imminentDanger ? "IMMINENT " : "") + call.grade.label,
                call.youngestChildAge.map(String.init) ?? "?", call.childAccess.rawValue, DisplayText.escaped(call.owner),
                Timestamp.format(call.raisedAt), Timestamp.format(call.dueAt),
                (call.overdue ? "OVERDUE" : "") + (call.caseClosed ? " closed case, call not made" : ""),
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
