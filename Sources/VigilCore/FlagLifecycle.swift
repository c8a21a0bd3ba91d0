#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What a person does with a safeguarding flag.
public enum FlagAction: Sendable, Hashable {
    /// Social care or the LADO was told.
    case notify
    /// A supervisor defers the call until `reviewAt` (e.g. a risk of tipping off before a warrant).
    case deferral(reviewAt: Date)
    /// A supervisor withdraws the call, with a reason: it will not be made.
    case withdraw
}

/// A flag as it stands at a moment: its state, when it is due and whether that has passed.
public struct FlagStanding: Sendable, Hashable {
    /// The state at the moment (a deferral whose review time has passed is `open` again).
    public var state: FlagState
    /// When the call is due: for an open flag its deadline, for a deferred one its review time.
    public var dueAt: Date
    /// True when the flag is open and its due time has passed.
    public var overdue: Bool
}

/// The life of a safeguarding flag (DESIGN.md, "Social-care and LADO flags"): open → notified; open →
/// deferred → open again once the review time passes (overdue from then) → notified; open or deferred →
/// withdrawn by a supervisor with a reason. A grade going down never closes a flag. A deferred flag's
/// stored due time is its review time, so one instant orders and ages every flag.
public enum FlagLifecycle {
    /// How a flag stored in `state` with due time `dueAt` stands at `asOf`.
    public static func standing(state: FlagState, dueAt: Date, asOf: Date) -> FlagStanding {
        switch state {
        case .open: FlagStanding(state: .open, dueAt: dueAt, overdue: asOf > dueAt)
        case .deferred where dueAt <= asOf: FlagStanding(state: .open, dueAt: dueAt, overdue: asOf > dueAt)
        case .deferred, .notified, .withdrawn: FlagStanding(state: state, dueAt: dueAt, overdue: false)
        }
    }

    /// True while the call is still to be made: the flag is open or deferred.
    public static func isUnsettled(_ state: FlagState) -> Bool { state == .open || state == .deferred }

    /// Which of a case's stored flags (`stored`, their keys) an action naming `named` means: the flag of
    /// that kind about the named household or subject (however spelt: its stored text, its label, or the
    /// same address), or, when none is named, the case's only flag of that kind. Refused when there is no
    /// such flag, or when several calls of the kind exist and none is named.
    public static func choose(_ named: FlagKey, of caseId: CaseID, among stored: [FlagKey]) throws(FlagRefusal) -> Int {
        let ofKind = stored.indices.filter { stored[$0].kind == named.kind }
        if let about = named.about {
            guard let index = ofKind.first(where: { stored[$0].about.map { $0.isNamed(by: about.rawValue) } ?? false }) else {
                throw FlagRefusal(.missing, "case \(caseId) has no \(named) flag")
            }
            return index
        }
        switch ofKind.count {
        case 0: throw FlagRefusal(.missing, "case \(caseId) has no \(named.kind.rawValue) flag")
        case 1: return ofKind[0]
        default:
            let names = ofKind.map { stored[$0].about?.label ?? "the case" }
            throw FlagRefusal(
                .ambiguous,
                "case \(caseId) has \(ofKind.count) \(named.kind.rawValue) flags; name one by what it is about: \(names.joined(separator: "; "))")
        }
    }

    /// Nil when `action` may be taken at `now` on the flag `key` in stored `state` with due time `dueAt`;
    /// otherwise why not.
    public static func refusal(_ action: FlagAction, on key: FlagKey, of caseId: CaseID, state: FlagState, dueAt: Date, now: Date) -> FlagRefusal? {
        let current = standing(state: state, dueAt: dueAt, asOf: now).state
        switch action {
        case .notify, .withdraw:
            guard isUnsettled(current) else {
                return FlagRefusal(.settled, "the \(key) flag of case \(caseId) is already \(current.rawValue)")
            }
        case .deferral(let reviewAt):
            guard current == .open else { return FlagRefusal(.settled, "the \(key) flag of case \(caseId) is already \(current.rawValue)") }
            guard reviewAt > now else {
                return FlagRefusal(.invalid, "the review time must be in the future (it is \(Timestamp.format(reviewAt)))")
            }
        }
        return nil
    }

    /// The state and due time a flag takes after `action`; a notified or withdrawn flag keeps its due time.
    public static func after(_ action: FlagAction, dueAt: Date) -> (state: FlagState, dueAt: Date) {
        switch action {
        case .notify: (.notified, dueAt)
        case .withdraw: (.withdrawn, dueAt)
        case .deferral(let reviewAt): (.deferred, reviewAt)
        }
    }
}

/// Why an action on a flag is refused.
public struct FlagRefusal: Error, Sendable, Hashable {
    /// The kind of refusal.
    public enum Reason: Sendable, Hashable {
        /// The case has no such flag.
        case missing
        /// The case has several calls of the kind and the action named none.
        case ambiguous
        /// The flag's state does not allow the action.
        case settled
        /// The action's input is unacceptable (a review time not in the future).
        case invalid
    }

    /// The kind of refusal.
    public var reason: Reason
    /// A sentence for people.
    public var message: String

    /// Creates a refusal.
    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
