import ArgumentParser
import VigilActions
import Foundation
import VigilCore
import VigilStore

/// `vigil checks CASE` and `vigil checks retry CHECK`.
struct ChecksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "List a case's intelligence checks, or re-run a failed one.",
        subcommands: [ListChecks.self, RetryCheck.self],
        defaultSubcommand: ListChecks.self
    )

    /// `vigil checks [list] CASE [--json]`.
    struct ListChecks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a case's checks.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The case id.")
        var caseId: String

        @Flag(help: "Print JSON.")
        var json = false

        @Option(help: "Who reads the checks, for the audit log (default: $USER).")
        var by: String?

        mutating func run() async throws {
            try await store.withStore { target in
                let id = try parseCaseID(caseId)
                let checks = try await target.checks(of: id)
                try await CommandLineActor.audit(target, actor: try CommandLineActor.actor(by), action: .caseChecks, caseId: id)
                if json {
                    try FileOutput.printJSON(checks)
                } else if checks.isEmpty {
                    print("no checks")
                } else {
                    for check in checks { print(CheckText.line(check)) }
                }
            }
        }
    }

    /// `vigil checks retry CHECK`.
    struct RetryCheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Make a failed check pending again.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The check id (from `vigil checks CASE`).", transform: { Int64(try NumberOption.whole(1...Int.max)($0)) })
        var checkId: Int64

        @Option(help: "Who retries it, for the audit log (default: $USER).")
        var by: String?

        mutating func run() async throws {
            try await store.withStore { target in
                let check = try await CommandLineActor.actions(target).retryCheck(checkId, by: try await CommandLineActor.caseActor(by, in: target))
                print(CheckText.line(check))
            }
        }
    }
}

/// One check as a line of text.
enum CheckText {
    /// One check as a line, its fields escaped.
    static func line(_ check: CheckRecord) -> String {
        DisplayText.escaped(
            "#\(check.id) \(check.source) \(check.state.rawValue), \(check.attempts) attempt(s)"
                + (check.nextAttemptAt.map { ", next at \(Timestamp.format($0))" } ?? "")
                + (check.summary.map { ", \($0)" } ?? "")
                + (check.lastError.map { ", last error: \($0)" } ?? "")
                + "  query \(check.query)")
    }
}
