public import Foundation
public import VigilCore
public import VigilStore

/// Who acts on a case: their audit identity, and whether they may act on a case someone else holds (a
/// supervisor through the API or the dashboard; an operator of a local database at the command line).
public struct CaseActor: Sendable {
    /// Name and origin, as the audit log records them.
    public var audit: AuditActor
    /// True when the holder rule does not bind them.
    public var mayActOnAnyCase: Bool

    /// Creates an actor.
    public init(audit: AuditActor, mayActOnAnyCase: Bool) {
        self.audit = audit
        self.mayActOnAnyCase = mayActOnAnyCase
    }
}

/// Why a case action was refused. A struct with an extensible code.
public struct CaseActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public struct Code: Sendable, Hashable {
        /// The code's name.
        public let name: String
        /// Creates a code.
        public init(_ name: String) { self.name = name }

        /// An input is missing or empty.
        public static let invalid = Code("invalid")
        /// The case is held by someone else, or by nobody, and the actor is bound by the holder rule.
        public static let notYourCase = Code("notYourCase")
    }

    /// The kind of refusal.
    public var code: Code
    /// A sentence a person can act on.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The one place case actions are decided, for the CLI, the API and the dashboard alike: it validates
/// the inputs, applies the holder rule, reads the time from its injected clock, and hands the change to the
/// store, which writes the change and its audit entry in one transaction. Permissions by role stay with
/// the surfaces that authenticate (the API's tokens, the dashboard's sessions).
public struct CaseActions: Sendable {
    let store: any Store
    let now: @Sendable () -> Date

    /// Actions on `store`, timed by `now`.
    public init(store: any Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// Claims the first case of the backlog order; nil when none is left.
    public func claimNext(by actor: CaseActor) async throws -> BacklogEntry? {
        try await store.claimNext(by: actor.audit, now: now())
    }

    /// Returns a held case to the backlog.
    public func release(_ id: CaseID, by actor: CaseActor) async throws {
        try await requireHeld(id, by: actor)
        try await store.release(id, by: actor.audit, now: now())
    }

    /// Closes a held case with its outcome.
    public func close(_ id: CaseID, outcome: String, by actor: CaseActor) async throws {
        let outcome = try Self.required(outcome, "outcome")
        try await requireHeld(id, by: actor)
        try await store.close(id, outcome: outcome, by: actor.audit, at: now())
    }

    /// Records a decision on a held case.
    public func decide(_ id: CaseID, decision: String, rationale: String, by actor: CaseActor) async throws {
        let decision = try Self.required(decision, "decision")
        let rationale = try Self.required(rationale, "rationale")
        try await requireHeld(id, by: actor)
        try await store.recordDecision(id, decision: decision, rationale: rationale, by: actor.audit, at: now())
    }

    /// Records that social care or the LADO was told, on a held case.
    public func notify(_ id: CaseID, flag: FlagKind, method: String, reference: String, by actor: CaseActor) async throws {
        let method = try Self.required(method, "method")
        let reference = try Self.required(reference, "reference")
        try await requireHeld(id, by: actor)
        try await store.recordNotification(id, flag: flag, by: actor.audit, method: method, reference: reference, at: now())
    }

    /// Records a supervisor's deferral of a notification (the caller has checked the permission).
    public func deferNotification(_ id: CaseID, flag: FlagKind, reason: String, reviewBy: Date, by actor: CaseActor) async throws {
        let reason = try Self.required(reason, "reason")
        try await store.recordDeferral(id, flag: flag, by: actor.audit, reason: reason, reviewBy: reviewBy, at: now())
    }

    /// Hands an open case to `officer` (the caller has checked the permission and the officer).
    public func reassign(_ id: CaseID, to officer: String, by actor: CaseActor) async throws {
        try await store.reassign(id, to: try Self.required(officer, "officer"), by: actor.audit, at: now())
    }

    /// Makes a failed check pending again with one more attempt.
    public func retryCheck(_ checkId: Int64, by actor: CaseActor) async throws -> CheckRecord {
        try await store.retryCheck(checkId, by: actor.audit, now: now())
    }

    /// The holder rule: acting on a case needs holding it, unless the actor may act on any case.
    private func requireHeld(_ id: CaseID, by actor: CaseActor) async throws {
        guard !actor.mayActOnAnyCase else { return }
        let holder = try await store.caseDetail(id, asOf: now()).summary.claimedBy
        guard holder == actor.audit.name else {
            throw CaseActionError(.notYourCase, holder.map { "case \(id) is held by \($0)" } ?? "claim case \(id) before acting on it")
        }
    }

    /// `text` trimmed, refused when nothing is left.
    private static func required(_ text: String, _ name: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CaseActionError(.invalid, "\(name) must not be empty") }
        return trimmed
    }
}
