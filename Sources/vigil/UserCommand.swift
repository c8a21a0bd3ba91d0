import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil user add|list|revoke`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who may use the API and their tokens.",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    /// `vigil user add NAME --role R [--json]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user and print their token (shown this once only).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The user's name.")
        var name: String

        @Option(help: "investigator, researcher, supervisor, importer or admin.")
        var role: String

        @Option(help: "Who adds the user (default: $USER).")
        var by: String?

        @Flag(help: "Print {\"name\", \"role\", \"token\"} as JSON.")
        var json = false

        /// What `--json` prints.
        struct Output: Encodable {
            var name: String
            var role: Role
            var token: String
        }

        mutating func run() async throws {
            guard let parsed = Role(name: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw ValidationError("a user name is letters, digits, '.', '_' or '-'")
            }
            try await store.withStore { target in
                let token = AccessToken.generate()
                _ = try await target.addUser(name: name, role: parsed, tokenHash: AccessToken.hash(token), now: Date())
                try await CommandLineActor.audit(
                    target, actor: try CommandLineActor.actor(by), action: .userAdd, caseId: nil,
                    detail: "\(name) as \(parsed.rawValue)")
                if json {
                    try FileOutput.printJSON(Output(name: name, role: parsed, token: token))
                } else {
                    print("added \(name) (\(parsed.rawValue)); token, shown this once only:\n\(token)")
                }
            }
        }
    }

    /// `vigil user list [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON.")
        var json = false

        mutating func run() async throws {
            let users = try await store.withStore { try await $0.users() }
            if json {
                try FileOutput.printJSON(users)
            } else {
                for user in users {
                    print(
                        "\(user.name)  \(user.role.rawValue)  added \(Timestamp.format(user.createdAt))"
                            + (user.revokedAt.map { "  revoked \(Timestamp.format($0))" } ?? ""))
                }
            }
        }
    }

    /// `vigil user revoke NAME`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a user's token.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The user's name.")
        var name: String

        @Option(help: "Who revokes it (default: $USER).")
        var by: String?

        mutating func run() async throws {
            try await store.withStore { target in
                try await target.revokeUser(name: name, now: Date())
                try await CommandLineActor.audit(target, actor: try CommandLineActor.actor(by), action: .userRevoke, caseId: nil, detail: name)
                print("revoked \(name)")
            }
        }
    }
}
