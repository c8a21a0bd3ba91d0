import Foundation
import VigilCore
import VigilStore

/// What every page's header needs: the title and, when signed in, who and the sign-out form's token.
struct PageChrome {
    var title: String
    var userName: String?
    var role: String?
    var csrf: String?
    var dashboard: Bool
    var allCases: Bool
    var investigator: Bool

    /// The chrome of a page for the session's user (none on the sign-in page).
    init(title: String, session: WebSession?) {
        self.title = title
        userName = session?.user.name
        role = session?.user.role.rawValue
        csrf = session?.csrfToken
        dashboard = session?.user.role.allows(.viewDashboard) ?? false
        allCases = session?.user.role.allows(.readCases) ?? false
        investigator = session?.user.role.allows(.claimCases) ?? false
    }
}

/// A case in a table: the lists on the dashboard, the filtered list and "my cases".
struct CaseRowView {
    var caseId: String
    var link: String
    var grade: String
    var effectiveGrade: String
    var effectiveGradeName: String
    var promoted: Bool
    var provisional: Bool
    var researchIncomplete: Bool
    var received: String
    var waiting: String
    var overdue: Bool
    var overdueBy: String
    var dueIn: String
    var holder: String?
    var heldFor: String?

    init(_ line: CaseLine, asOf: Date) {
        caseId = line.caseId.description
        link = "/cases/\(line.caseId)"
        grade = line.grade.label
        effectiveGrade = line.effectiveGrade.label
        effectiveGradeName = line.effectiveGrade.name
        promoted = line.effectiveGrade != line.grade
        provisional = line.provisional
        researchIncomplete = line.researchIncomplete
        received = HumanTime.moment(line.receivedAt)
        waiting = HumanTime.duration(asOf.timeIntervalSince(line.receivedAt))
        overdue = line.overdue
        overdueBy = HumanTime.duration(asOf.timeIntervalSince(line.dueAt))
        dueIn = HumanTime.duration(line.dueAt.timeIntervalSince(asOf))
        holder = line.claimedBy
        heldFor = line.claimedAt.map { HumanTime.duration(asOf.timeIntervalSince($0)) }
    }
}

/// A table of cases (rendered by the `case-rows` partial).
struct CaseTableView {
    var rows: [CaseRowView]
}

/// The sign-in page.
struct SignInView {
    var chrome: PageChrome
    var csrf: String
    var next: String
    var error: String?
}

/// A page with one message (forbidden, not found, a refused form).
struct MessageView {
    var chrome: PageChrome
    var heading: String
    var message: String
}

/// A filtered list of cases, paged.
struct CaseListView {
    var chrome: PageChrome
    var heading: String
    var asOf: String
    var total: Int
    var pageText: String?
    var list: CaseTableView
    var previous: String?
    var next: String?
}
