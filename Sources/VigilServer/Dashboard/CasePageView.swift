import Foundation
import VigilCore
import VigilStore

/// The case page (`/cases/{id}`): everything known, the grade explained in plain English, and for
/// supervisors the reassign and defer forms.
struct CasePageView {
    struct FlagRow {
        var kind: String
        var flag: String
        var about: String
        var state: String
        var overdue: Bool
        var overdueBy: String
        var raised: String
        var due: String
        var raisedBy: String
        var deferForm: Bool
        var caseId: String
        var csrf: String
    }

    struct StrategyRow {
        var heldAt: String
        var attendees: String
        var outcome: String
        var note: String
        var by: String
    }

    struct OutcomeOption {
        var value: String
    }

    struct PreviousCaseRow {
        var link: String
        var caseId: String
        var text: String
    }

    struct FactOption {
        var value: String
        var label: String
    }

    struct NotificationRow {
        var kind: String
        var method: String
        var reference: String
        var by: String
        var at: String
    }

    struct FactRow {
        var name: String
        var value: String
        var provenance: String
        var about: String
    }

    struct ChildRow {
        var age: String
        var relation: String
        var about: String
        var provenance: String
    }

    struct AddressRow {
        var address: String
        var billingOnly: Bool
        var corroborated: Bool
        var provenance: String
    }

    struct SourceRow {
        var source: String
        var total: Int
        var done: Int
        var waiting: Int
        var failed: Int?
        var latest: String
    }

    struct CheckRow {
        var source: String
        var state: String
        var failed: Bool
        var attempts: Int
        var detail: String
    }

    struct ReferralRow {
        var source: String
        var ref: String
        var received: String
        var imported: String
        var payload: String
        var supplements: String?
    }

    struct AssessmentRow {
        var at: String
        var grade: String
        var gradeName: String
        var provisional: Bool
        var path: String
        var pending: String
        var trigger: String
    }

    struct EventRow {
        var date: Date
        var at: String
        var by: String
        var what: String
    }

    struct AuditRow {
        var at: String
        var actor: String
        var action: String
        var detail: String?
        var remote: String
    }

    var chrome: PageChrome
    var caseId: String
    var csrf: String
    var grade: String
    var gradeName: String
    var effectiveGrade: String
    var effectiveGradeName: String
    var promoted: Bool
    var provisional: Bool
    /// "pnc, visor" when research is incomplete because their checks failed.
    var researchFailed: String?
    var status: String
    var position: Int?
    var received: String
    var waiting: String
    var overdue: Bool
    var overdueBy: String
    var due: String
    var holder: String?
    var explanation: String
    var flags: [FlagRow]
    var hasNotifications: Bool
    var notifications: [NotificationRow]
    var strategies: [StrategyRow]
    var strategyForm: Bool
    var strategyOutcomes: [OutcomeOption]
    var previousCases: [PreviousCaseRow]
    var findingForm: Bool
    var factOptions: [FactOption]
    var relationOptions: [OutcomeOption]
    var facts: [FactRow]
    var children: [ChildRow]
    var addresses: [AddressRow]
    var sourceRows: [SourceRow]
    var checks: [CheckRow]
    var referrals: [ReferralRow]
    var assessments: [AssessmentRow]
    var events: [EventRow]
    var reassignForm: Bool
    var investigators: [String]
    var audit: [AuditRow]

    init(
        chrome: PageChrome, detail: CaseDetail, audit: [AuditEntry], sources: [IntelSourceSpec], investigators: [String],
        supervisor: Bool, asOf: Date
    ) {
        let summary = detail.summary
        let id = summary.caseId.description
        let open = detail.status == "open"
        self.chrome = chrome
        caseId = id
        csrf = chrome.csrf ?? ""
        grade = summary.grade.label
        gradeName = summary.grade.name
        effectiveGrade = summary.effectiveGrade.label
        effectiveGradeName = summary.effectiveGrade.name
        promoted = summary.effectiveGrade != summary.grade
        provisional = summary.provisional
        researchFailed = summary.researchFailed.isEmpty ? nil : summary.researchFailed.joined(separator: ", ")
        status = open ? "Open" : "Closed"
        position = summary.position
        received = HumanTime.moment(summary.receivedAt)
        waiting = HumanTime.duration(asOf.timeIntervalSince(summary.receivedAt))
        overdue = summary.overdue
        overdueBy = HumanTime.duration(asOf.timeIntervalSince(summary.dueAt))
        due = HumanTime.moment(summary.dueAt)
        holder = summary.claimedBy
        let combined = Dictionary(uniqueKeysWithValues: detail.facts.map { ($0.fact, $0.combined) })
        explanation = GradeExplanation.text(
            grade: summary.grade, facts: combined, children: detail.children,
            pendingChecks: detail.assessments.last?.pendingChecks ?? [], sources: sources, previousCases: detail.previousCases)
        previousCases = detail.previousCases.map { PreviousCaseRow(link: "/cases/\($0.caseId)", caseId: $0.caseId.description, text: $0.text) }
        let csrf = csrf
        flags = summary.flags.map { flag in
            FlagRow(
                kind: flag.key.label, flag: flag.kind.rawValue, about: flag.about?.rawValue ?? "", state: flag.state.rawValue, overdue: flag.overdue,
                overdueBy: HumanTime.duration(asOf.timeIntervalSince(flag.dueAt)), raised: HumanTime.moment(flag.raisedAt),
                due: HumanTime.moment(flag.dueAt), raisedBy: flag.raisedBy.rawValue,
                deferForm: supervisor && open && flag.state == .open, caseId: id, csrf: csrf)
        }
        notifications = detail.notifications.map {
            NotificationRow(kind: $0.flagKey.label, method: $0.method, reference: $0.reference, by: $0.by, at: HumanTime.moment($0.at))
        }
        hasNotifications = !notifications.isEmpty
        strategies = detail.strategyDiscussions.map {
            StrategyRow(
                heldAt: HumanTime.moment($0.discussion.heldAt), attendees: $0.discussion.attendees.joined(separator: ", "),
                outcome: $0.discussion.outcome.rawValue, note: $0.discussion.note, by: $0.by)
        }
        strategyForm = supervisor
        strategyOutcomes = StrategyOutcome.allCases.map { OutcomeOption(value: $0.rawValue) }
        findingForm = open && (supervisor || summary.claimedBy == chrome.userName)
        factOptions = FactKind.allCases.map { FactOption(value: $0.rawValue, label: Self.factLabel($0)) }
        relationOptions = ChildRelation.allCases.map { OutcomeOption(value: $0.rawValue) }
        facts = detail.facts.map {
            FactRow(
                name: Self.factLabel($0.fact), value: $0.value.rawValue, provenance: $0.provenance.map(\.rawValue).joined(separator: ", "),
                about: $0.about.map(\.label).joined(separator: "; "))
        }
        children = detail.knownChildren.map {
            ChildRow(
                age: $0.age.map(String.init) ?? "unknown", relation: $0.relation.rawValue, about: $0.about?.label ?? "not placed",
                provenance: $0.provenance.map(\.rawValue).joined(separator: ", "))
        }
        addresses = detail.addresses.map {
            AddressRow(
                address: $0.address.label, billingOnly: $0.billingOnly, corroborated: $0.corroborated,
                provenance: $0.provenance.map(\.rawValue).joined(separator: ", "))
        }
        checks = detail.checks.map {
            CheckRow(
                source: $0.source, state: $0.state.rawValue, failed: $0.state == .failed, attempts: $0.attempts,
                detail: $0.summary ?? $0.lastError ?? "")
        }
        sourceRows = Dictionary(grouping: detail.checks, by: \.source).map { source, checks in
            let failed = checks.filter { $0.state == .failed }.count
            return SourceRow(
                source: source, total: checks.count, done: checks.filter { $0.state == .done }.count,
                waiting: checks.filter { $0.state == .pending || $0.state == .running }.count,
                failed: failed > 0 ? failed : nil,
                latest: checks.last { $0.summary != nil || $0.lastError != nil }.map { $0.summary ?? $0.lastError ?? "" } ?? "")
        }.sorted { $0.source < $1.source }
        referrals = detail.referrals.map {
            ReferralRow(
                source: $0.source.rawValue.uppercased(), ref: $0.ref, received: HumanTime.moment($0.receivedAt),
                imported: HumanTime.moment($0.importedAt), payload: $0.payload, supplements: $0.supplements)
        }
        assessments = detail.assessments.map {
            AssessmentRow(
                at: HumanTime.moment($0.at), grade: $0.grade.label, gradeName: $0.grade.name, provisional: $0.provisional,
                path: $0.path, pending: Self.tally($0.pendingChecks), trigger: $0.trigger.rawValue)
        }
        let claimEvents = detail.claims.flatMap { claim in
            [EventRow(date: claim.claimedAt, at: HumanTime.moment(claim.claimedAt), by: claim.officer, what: "claimed")]
                + (claim.releasedAt.map { [EventRow(date: $0, at: HumanTime.moment($0), by: claim.officer, what: "released")] } ?? [])
        }
        let decisionEvents = detail.decisions.map { decision in
            let flag = decision.flag.map { " the \($0.label) call" } ?? ""
            let review = decision.reviewBy.map { ", review by \(HumanTime.moment($0))" } ?? ""
            return EventRow(
                date: decision.at, at: HumanTime.moment(decision.at), by: decision.by,
                what: "\(decision.kind)\(flag): \(decision.detail)\(review)")
        }
        events = (claimEvents + decisionEvents).sorted { $0.date < $1.date }
        reassignForm = supervisor && open
        self.investigators = investigators
        self.audit = audit.map {
            AuditRow(
                at: HumanTime.moment($0.at), actor: $0.actor, action: $0.action, detail: $0.detail.isEmpty ? nil : $0.detail,
                remote: $0.remote)
        }
    }

    /// Pending checks by source: "employment ×4, pnc".
    static func tally(_ checks: [String]) -> String {
        Dictionary(grouping: checks) { $0 }.sorted { $0.key < $1.key }
            .map { $0.value.count > 1 ? "\($0.key) ×\($0.value.count)" : $0.key }.joined(separator: ", ")
    }

    /// A fact as people read it.
    static func factLabel(_ fact: FactKind) -> String {
        switch fact {
        case .imminentDanger: "Imminent danger"
        case .sexualOffenceHistory: "Sexual offence history"
        case .childAccessHousehold: "Child in the household"
        case .childAccessOccupation: "Works with children"
        case .childAccessOther: "Other access to children"
        case .identifiedChildVictim: "Identified child victim"
        case .contactAbuseIndicators: "Contact abuse indicators"
        case .sexualCommunicationWithChild: "Sexual communication with a child"
        case .distribution: "Distribution"
        case .otherRiskFactors: "Other risk factors"
        }
    }
}
