public import Foundation
public import VigilCore
public import VigilStore

/// Who acts on a case: their audit identity and what their role permits.
public struct CaseActor: Sendable {
    /// Name and origin, as the audit log records them.
    public var audit: AuditActor
    /// What they may do.
    public var permissions: Set<Permission>

    /// An actor with the permissions of `role`.
    public init(audit: AuditActor, role: Role) {
        self.audit = audit
        permissions = role.permissions
    }

    /// True when the holder rule does not bind them.
    public var mayActOnAnyCase: Bool { permissions.contains(.actOnAnyCase) }
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
        /// The actor's role does not permit the action.
        public static let forbidden = Code("forbidden")
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

    /// Closes a case its actor holds (or any case, for a supervisor) with its outcome. A case with calls
    /// still to make closes only with `overrideReason`, which only a supervisor may give.
    public func close(_ id: CaseID, outcome: CaseOutcome, overrideReason: String? = nil, by actor: CaseActor) async throws {
        let overrideReason = overrideReason.flatMap(CaseOutcome.trimmed)
        if overrideReason != nil { try require(.overrideCaseRules, of: actor, "closing a case past its calls to social care or the LADO") }
        try await requireHeld(id, by: actor)
        try await store.close(id, outcome: outcome, overrideReason: overrideReason, by: actor.audit, at: now())
    }

    /// Reopens a closed case (supervisors), restoring it to the backlog.
    public func reopen(_ id: CaseID, reason: String, by actor: CaseActor) async throws {
        try require(.overrideCaseRules, of: actor, "reopening a case")
        try await store.reopen(id, reason: try Self.required(reason, "reason"), by: actor.audit, at: now())
    }

    /// Records a decision on a held case.
    public func decide(_ id: CaseID, decision: String, rationale: String, by actor: CaseActor) async throws {
        let decision = try Self.required(decision, "decision")
        let rationale = try Self.required(rationale, "rationale")
        try await requireHeld(id, by: actor)
        try await store.recordDecision(id, decision: decision, rationale: rationale, by: actor.audit, at: now())
    }

    /// Records an officer's finding on a held case (a supervisor on any case): `facts` as `NAME=yes|no`,
    /// `children` as `AGE:RELATION`, with a note saying how it was learnt; the case is re-graded at once.
    public func recordFinding(
        _ id: CaseID, facts: [String], children: [String], note: String, subject: String? = nil, address: String? = nil, by actor: CaseActor
    ) async throws {
        let moment = now()
        let finding: OfficerFinding
        do {
            finding = try OfficerFinding(
                facts: facts, children: children, note: note, by: actor.audit.name, at: moment,
                about: try OfficerFinding.about(subject: subject, address: address))
        } catch {
            throw CaseActionError(.invalid, error.description)
        }
        try await requireHeld(id, by: actor)
        try await store.recordFinding(id, finding, by: actor.audit, at: moment)
    }

    /// Records a strategy discussion on a held case (a supervisor on any case): `with` is who took part,
    /// comma-separated, `outcome` a `StrategyOutcome` name, `heldAt` not in the future.
    public func recordStrategy(
        _ id: CaseID, heldAt: Date, with attendees: String, outcome: String, note: String, by actor: CaseActor
    ) async throws {
        let moment = now()
        let discussion: StrategyDiscussion
        do {
            discussion = try StrategyDiscussion(heldAt: heldAt, with: attendees, outcome: outcome, note: note, now: moment)
        } catch {
            throw CaseActionError(.invalid, error.description)
        }
        try await requireHeld(id, by: actor)
        try await store.recordStrategyDiscussion(id, discussion, by: actor.audit, at: moment)
    }

    /// Records that social care or the LADO was told, on a held case.
    public func notify(_ id: CaseID, flag: FlagKey, method: String, reference: String, by actor: CaseActor) async throws {
        let method = try Self.required(method, "method")
        let reference = try Self.required(reference, "reference")
        try await requireHeld(id, by: actor)
        try await store.recordNotification(id, flag: flag, by: actor.audit, method: method, reference: reference, at: now())
    }

    /// Records a supervisor's deferral of a call until `reviewBy`, which must be in the future.
    public func deferNotification(_ id: CaseID, flag: FlagKey, reason: String, reviewBy: Date, by actor: CaseActor) async throws {
        try require(.deferFlags, of: actor, "deferring a call to social care or the LADO")
        let reason = try Self.required(reason, "reason")
        let moment = now()
        guard reviewBy > moment else {
            throw CaseActionError(.invalid, "the review time must be in the future (it is \(Timestamp.format(reviewBy)))")
        }
        try await store.recordDeferral(id, flag: flag, by: actor.audit, reason: reason, reviewBy: reviewBy, at: moment)
    }

    /// Records a supervisor's withdrawal of a call, with the reason.
    public func withdraw(_ id: CaseID, flag: FlagKey, reason: String, by actor: CaseActor) async throws {
        try require(.deferFlags, of: actor, "withdrawing a call to social care or the LADO")
        try await store.withdrawFlag(id, flag: flag, reason: try Self.required(reason, "reason"), by: actor.audit, at: now())
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

    /// Refuses the action unless the actor's role permits it.
    private func require(_ permission: Permission, of actor: CaseActor, _ what: String) throws {
        guard actor.permissions.contains(permission) else {
            throw CaseActionError(.forbidden, "\(what) is for supervisors; \(actor.audit.name) may not")
        }
    }

    /// `text` trimmed, refused when nothing is left.
    private static func required(_ text: String, _ name: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CaseActionError(.invalid, "\(name) must not be empty") }
        return trimmed
    }
}
