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

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who releases it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        try await store.withStore { target in
            let actor = try await CommandLineActor.caseActor(by, in: target)
            try await CommandLineActor.actions(target).release(id, by: actor)
            print("\(id) released to the backlog")
        }
    }
}

/// `vigil notify CASE --flag socialCare|lado [--about HOUSEHOLD] (--method M --reference R | --defer --reason R
/// --review-by T | --withdraw --reason R)`.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Record that social care or the LADO was told, or a supervisor's decision to defer the call or withdraw it."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "socialCare or lado.")
    var flag: String

    @Option(
        help: ArgumentHelp(
            "The household address or subject the call is about, as vigil show lists it (needed when the case has several calls of the kind).",
            valueName: "subject"))
    var about: String?

    @Option(help: "How they were told (phone, email, strategy meeting …).")
    var method: String?

    @Option(help: "The receiving agency's reference.")
    var reference: String?

    @Flag(name: .customLong("defer"), help: "Record a deferral instead of a notification.")
    var deferral = false

    @Flag(help: "Record a supervisor's withdrawal of the call instead (it will not be made).")
    var withdraw = false

    @Option(help: "Why the call is deferred (e.g. risk of tipping off) or withdrawn.")
    var reason: String?

    @Option(help: "When the deferral must be reviewed (RFC 3339 with offset).")
    var reviewBy: String?

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who records it (default: $USER); deferring and withdrawing need a supervisor.")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        guard let named = FlagKind(name: flag).map({ FlagKey($0, named: about) }) else {
            throw ValidationError("--flag must be socialCare or lado")
        }
        try await store.withStore { target in
            let officer = try await CommandLineActor.caseActor(by, in: target)
            if withdraw {
                guard let reason else { throw ValidationError("--withdraw needs --reason") }
                try await CommandLineActor.actions(target).withdraw(id, flag: named, reason: reason, by: officer)
                print("\(id): \(named) call withdrawn")
            } else if deferral {
                guard let reason, let reviewBy else {
                    throw ValidationError("--defer needs --reason and --review-by")
                }
                let review = try parseTimestamp(reviewBy, option: "--review-by")
                try await CommandLineActor.actions(target).deferNotification(id, flag: named, reason: reason, reviewBy: review, by: officer)
                print("\(id): \(named) notification deferred until review by \(Timestamp.format(review))")
            } else {
                guard let method, let reference else {
                    throw ValidationError("a notification needs --method and --reference (or use --defer)")
                }
                try await CommandLineActor.actions(target).notify(id, flag: named, method: method, reference: reference, by: officer)
                print("\(id): \(named) notified (\(method), ref \(reference))")
            }
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

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who decides (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        try await store.withStore { target in
            let officer = try await CommandLineActor.caseActor(by, in: target)
            try await CommandLineActor.actions(target).decide(id, decision: decision, rationale: rationale, by: officer)
            print("\(id): decision \(decision) recorded")
        }
    }
}

/// `vigil close CASE --outcome CODE [--detail T] [--receiving-agency A] [--linked-case C] [--children-safeguarded N]
/// [--override-reason R]`.
struct CloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a case with its coded outcome (its holder or a supervisor).",
        discussion: """
            A case whose calls to social care or the LADO are still to make closes only when a supervisor gives \
            --override-reason; the calls then stay listed until they are made or withdrawn.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "The outcome: \(CaseOutcomeCode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var outcome: String

    @Option(help: "Free-text detail.")
    var detail: String?

    @Option(help: "The force or agency a transferred case goes to.")
    var receivingAgency: String?

    @Option(help: "The case a linked case joins.")
    var linkedCase: String?

    @Option(help: "Children safeguarded by the investigation (0–1000).", transform: NumberOption.whole(0...1_000))
    var childrenSafeguarded = 0

    @Option(help: "A supervisor's reason for closing with calls still to make.")
    var overrideReason: String?

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who closes it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let coded: CaseOutcome
        do throws(CaseOutcomeError) {
            coded = try CaseOutcome.parse(
                code: outcome, detail: detail, receivingAgency: receivingAgency, linkedCase: linkedCase,
                childrenSafeguarded: childrenSafeguarded)
        } catch {
            throw ValidationError(error.message)
        }
        try await store.withStore { target in
            let officer = try await CommandLineActor.caseActor(by, in: target)
            try await CommandLineActor.actions(target).close(id, outcome: coded, overrideReason: overrideReason, by: officer)
            print("\(id) closed: \(coded.text)")
        }
    }
}

/// `vigil reopen CASE --reason R --as SUPERVISOR`.
struct ReopenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Restore a closed case to the backlog (a supervisor).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "Why the case is reopened.")
    var reason: String

    @Option(name: [.customLong("as"), .customLong("by")], help: "The supervisor reopening it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        try await store.withStore { target in
            try await CommandLineActor.actions(target).reopen(id, reason: reason, by: try await CommandLineActor.caseActor(by, in: target))
            print("\(id) reopened: back in the backlog")
        }
    }
}

/// `vigil strategy CASE --held-at T --with "social care, health" --outcome O [--note N]`.
struct StrategyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategy",
        abstract: "Record a strategy discussion held about a case (its holder or a supervisor).",
        discussion:
            "A Very High case with child access is listed on the dashboard until one is recorded, once 24 hours have passed since its first social-care or LADO flag."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(help: "When it was held (RFC 3339 with offset).")
    var heldAt: String

    @Option(help: "Who took part, comma-separated (e.g. \"social care, health\").")
    var with: String

    @Option(help: "What it decided: \(StrategyOutcome.allCases.map(\.rawValue).joined(separator: ", ")).")
    var outcome: String

    @Option(help: "Free-text note.")
    var note = ""

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who records it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        let held = try parseTimestamp(heldAt, option: "--held-at")
        try await store.withStore { target in
            let officer = try await CommandLineActor.caseActor(by, in: target)
            try await CommandLineActor.actions(target).recordStrategy(id, heldAt: held, with: with, outcome: outcome, note: note, by: officer)
            print("\(id): strategy discussion of \(Timestamp.format(held)) recorded (\(outcome))")
        }
    }
}

/// `vigil fact CASE --set FACT=yes|no … [--child AGE:RELATION …] --note N`.
struct FactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fact",
        abstract: "Record what an officer learnt (a visit, a call): facts and children, re-grading the case at once.",
        discussion: """
            The holder or a supervisor. An officer's finding outranks the referral and every check on the same fact \
            (the latest finding decides), so --set childAccessHousehold=no settles what a check left unknown or said yes to. \
            A child also sets its relation's access fact (household: childAccessHousehold).
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseId: String

    @Option(name: .customLong("set"), help: "A fact, FACT=yes|no (repeatable), e.g. childAccessHousehold=yes.")
    var facts: [String] = []

    @Option(name: .customLong("child"), help: "A child, AGE:RELATION (repeatable), e.g. 7:household; ? for an unknown age.")
    var children: [String] = []

    @Option(help: "How it was learnt (e.g. 'home visit, 3 Dec').")
    var note: String

    @Option(help: "The person it is about, e.g. 'Sam Sample (DOB 1979-05-05)'.")
    var subject: String?

    @Option(help: "The address it is about, 'LINE1, [TOWN,] POSTCODE' (children found there live there).")
    var address: String?

    @Option(name: [.customLong("as"), .customLong("by")], help: "Who records it (default: $USER).")
    var by: String?

    mutating func run() async throws {
        let id = try parseCaseID(caseId)
        try await store.withStore { target in
            let officer = try await CommandLineActor.caseActor(by, in: target)
            try await CommandLineActor.actions(target).recordFinding(
                id, facts: facts, children: children, note: note, subject: subject, address: address, by: officer)
            let summary = try await target.caseDetail(id, asOf: Date()).summary
            print(
                "\(id): finding recorded; grade \(summary.grade.label)\(summary.provisional ? " (provisional)" : ""), flags: \(summary.flags.map { "\($0.kind.rawValue):\($0.state.rawValue)" }.joined(separator: " "))"
            )
        }
    }
}
