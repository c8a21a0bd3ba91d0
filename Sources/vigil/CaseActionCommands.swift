import ArgumentParser
import VigilActions
import Foundation
import VigilCore
import VigilStore

/// `vigil release CASE`.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Return a claimed case to the backlog.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "Who releases it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let actor = try CommandLineActor.caseActor(by)
        try await CommandLineActor.actions(try store.open()).release(id, by: actor)
        print("\(id) released to the backlog")
    }
}

/// `vigil notify CASE --flag socialCare|lado (--method M --reference R | --defer --reason R --review-by T)`.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Record that social care or the LADO was told, or a supervisor's decision to defer telling them."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "socialCare or lado.")
    var flag: String

    @Option(help: "How they were told (phone, email, strategy meeting …).")
    var method: String?

    @Option(help: "The receiving agency's reference.")
    var reference: String?

    @Flag(name: .customLong("defer"), help: "Record a deferral instead of a notification.")
    var deferral = false

    @Option(help: "Why the notification is deferred (e.g. risk of tipping off).")
    var reason: String?

    @Option(help: "When the deferral must be reviewed (RFC 3339 with offset).")
    var reviewBy: String?

    @Option(help: "Who records it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        guard let kind = FlagKind(name: flag) else { throw ValidationError("--flag must be socialCare or lado") }
        let officer = try CommandLineActor.caseActor(by)
        let target = try store.open()
        if deferral {
            guard let reason, let reviewBy else {
                throw ValidationError("--defer needs --reason and --review-by")
            }
            let review = try parseTimestamp(reviewBy, option: "--review-by")
            try await CommandLineActor.actions(target).deferNotification(id, flag: kind, reason: reason, reviewBy: review, by: officer)
            print("\(id): \(kind.rawValue) notification deferred until review by \(Timestamp.format(review))")
        } else {
            guard let method, let reference else {
                throw ValidationError("a notification needs --method and --reference (or use --defer)")
            }
            try await CommandLineActor.actions(target).notify(id, flag: kind, method: method, reference: reference, by: officer)
            print("\(id): \(kind.rawValue) notified (\(method), ref \(reference))")
        }
    }
}

/// `vigil decide CASE --decision D --rationale R`.
struct DecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide", abstract: "Record a decision on a case with its rationale.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "The decision (e.g. visit, warrant, safeguarding-strategy).")
    var decision: String

    @Option(help: "Why.")
    var rationale: String

    @Option(help: "Who decides (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let officer = try CommandLineActor.caseActor(by)
        let target = try store.open()
        try await CommandLineActor.actions(target).decide(id, decision: decision, rationale: rationale, by: officer)
        print("\(id): decision \(decision) recorded")
    }
}

/// `vigil close CASE --outcome TEXT`.
struct CloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a case with its outcome.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "The outcome (e.g. 'arrest', 'no further action').")
    var outcome: String

    @Option(help: "Who closes it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let officer = try CommandLineActor.caseActor(by)
        let target = try store.open()
        try await CommandLineActor.actions(target).close(id, outcome: outcome, by: officer)
        print("\(id) closed: \(outcome)")
    }
}
