#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// Every action the audit log records, by the name it stores. `docs/DECISIONS.md` lists each one (a test
/// holds the two together).
public enum AuditAction: String, Sendable, CaseIterable {
    case caseShow = "case.show"
    case caseChecks = "case.checks"
    case caseClaim = "case.claim"
    case caseRelease = "case.release"
    case caseClose = "case.close"
    case caseReopen = "case.reopen"
    case caseDecide = "case.decide"
    case caseStrategy = "case.strategy"
    case caseFact = "case.fact"
    case caseReassign = "case.reassign"
    case flagNotify = "flag.notify"
    case flagDefer = "flag.defer"
    case flagWithdraw = "flag.withdraw"
    case flagsList = "flags.list"
    case alertsList = "alerts.list"
    case alertsRetry = "alerts.retry"
    case checkRetry = "check.retry"
    case referralsImport = "referrals.import"
    case userAdd = "user.add"
    case userRevoke = "user.revoke"
    case backlogList = "backlog.list"
    case backlogAged = "backlog.aged"
    case dashboardView = "dashboard.view"
    case casesList = "cases.list"
    case casesMine = "cases.mine"
    case reportExport = "report.export"
    case auditRead = "audit.read"
    case sessionStart = "session.start"
    case sessionRefused = "session.refused"
    case accessRefused = "access.refused"
}

/// Who acts and from where (`cli@host`, or the client's address): a store writes the audit entry of a
/// change to a case in the same transaction as the change, so neither commits without the other.
public struct AuditActor: Sendable, Hashable {
    /// The user or officer name.
    public var name: String
    /// Where the action came from.
    public var remote: String

    /// Creates an actor.
    public init(name: String, remote: String) {
        self.name = name
        self.remote = remote
    }
}

extension AuditEvent {
    /// An event of `action` by `actor`.
    public init(at: Date, by actor: AuditActor, _ action: AuditAction, caseId: CaseID?, detail: String = "") {
        self.init(at: at, actor: actor.name, action: action.rawValue, caseId: caseId, detail: detail, remote: actor.remote)
    }
}
