import Foundation
import VigilCore
import VigilStore

/// The supervisor's dashboard (`/`), built from one `SupervisorOverview` and the daily snapshots.
struct DashboardPageView {
    struct Figure {
        var label: String
        var value: Int
        var alert: Bool
        var note: String?
    }

    struct MatrixCell {
        var count: Int
        var hasCases: Bool
        var overdue: Int?
        var past: Bool
        var link: String
        var grade: String
        var band: String
    }

    struct MatrixRow {
        var grade: String
        var gradeName: String
        var cells: [MatrixCell]
        var total: Int
        var link: String
    }

    struct FlagRow {
        var caseId: String
        var link: String
        var kind: String
        /// Whom to call now: the emergency duty team out of hours.
        var contact: String
        var grade: String
        var imminent: Bool
        var youngest: String
        var access: String
        var raised: String
        var overdue: Bool
        var overdueBy: String
        var dueIn: String
        var holder: String?
        /// The case was closed by a supervisor's override with this call still to make.
        var caseClosed: Bool
    }

    struct StrategyRow {
        var caseId: String
        var link: String
        var flagged: String
        var overdueBy: String
        var holder: String?
    }

    struct FailedAlertRow {
        var caseId: String
        var link: String
        var message: String
        var error: String
    }

    struct DeferralRow {
        var caseId: String
        var link: String
        var kind: String
        var by: String
        var at: String
        var reason: String
        var reviewBy: String
        var reviewOverdue: Bool
    }

    struct HeldCase {
        var caseId: String
        var link: String
        var heldFor: String
        var last: Bool
    }

    struct HolderRow {
        var officer: String
        var link: String
        var count: Int
        var longest: String
        var cases: [HeldCase]
        var more: Int?
    }

    struct ResearchRow {
        var source: String
        var pending: Int
        var running: Int
        var failed: Int?
        var retrying: Int?
        var lastError: String?
        var nextRetry: String?
    }

    /// Held cases listed per investigator before "and N more".
    static let heldCasesShown = 8

    var chrome: PageChrome
    var asOf: String
    var figures: [Figure]
    var bands: [String]
    var matrix: [MatrixRow]
    var openFlagCount: Int
    var flags: [FlagRow]
    var flagsMore: Bool
    var flagsShown: Int
    var deferrals: [DeferralRow]
    var strategies: [StrategyRow]
    var alertsPending: Int
    var alertsDelivered: Int
    var alertsFailed: Int?
    var alertsConfigured: Bool
    var failedAlerts: [FailedAlertRow]
    var urgent: CaseTableView
    var urgentMore: Int?
    var oldest: CaseTableView
    var holders: [HolderRow]
    var research: [ResearchRow]
    var backlogChart: String
    var flowChart: String
    var reconstructedDays: Bool

    init(
        chrome: PageChrome, overview: SupervisorOverview, snapshots: [DailySnapshot], sourceNames: [String], deliversAlerts: Bool, asOf: Date
    ) {
        self.chrome = chrome
        self.asOf = HumanTime.moment(asOf)
        let aged = overview.aged
        let overdue = aged.cells.reduce(0) { $0 + $1.overdue }
        let overdueFlags = overview.openFlags.filter(\.overdue).count
        figures = [
            Figure(label: "Open cases", value: aged.total, alert: false),
            Figure(label: "Past their target", value: overdue, alert: overdue > 0),
            Figure(label: "Very High / High overdue", value: overview.overdueUrgentCount, alert: overview.overdueUrgentCount > 0),
            Figure(
                label: "Social-care / LADO calls open", value: overview.openFlagCount, alert: overdueFlags > 0,
                note: overdueFlags > 0 ? "\(overdueFlags)\(overview.openFlags.count < overview.openFlagCount ? "+" : "") overdue" : nil),
            Figure(label: "Held by investigators", value: overview.held.count, alert: false),
        ]
        bands = WaitingBand.allCases.map(\.label)
        matrix = Grade.allCases.reversed().map { grade in
            let cells = WaitingBand.allCases.map { aged.cell(grade, $0) }
            return MatrixRow(
                grade: grade.label, gradeName: grade.name,
                cells: cells.map { cell in
                    MatrixCell(
                        count: cell.cases, hasCases: cell.cases > 0, overdue: cell.overdue > 0 ? cell.overdue : nil,
                        past: cell.overdue > 0, link: "/cases?grade=\(grade.name)&band=\(cell.band.name)",
                        grade: grade.label, band: cell.band.label)
                },
                total: cells.reduce(0) { $0 + $1.cases }, link: "/cases?grade=\(grade.name)")
        }
        openFlagCount = overview.openFlagCount
        flags = overview.openFlags.map { flag in
            FlagRow(
                caseId: flag.caseId.description, link: "/cases/\(flag.caseId)", kind: flag.key.label, contact: flag.contact,
                grade: flag.grade.label, imminent: flag.imminentDanger, youngest: flag.youngestChildAge.map(String.init) ?? "unknown",
                access: flag.childAccess.rawValue, raised: HumanTime.moment(flag.raisedAt), overdue: flag.overdue,
                overdueBy: HumanTime.duration(asOf.timeIntervalSince(flag.dueAt)),
                dueIn: HumanTime.duration(flag.dueAt.timeIntervalSince(asOf)), holder: flag.claimedBy, caseClosed: flag.caseClosed)
        }
        flagsMore = overview.openFlags.count < overview.openFlagCount
        flagsShown = overview.openFlags.count
        deferrals = overview.deferrals.map { deferral in
            DeferralRow(
                caseId: deferral.caseId.description, link: "/cases/\(deferral.caseId)", kind: deferral.kind.label,
                by: deferral.by, at: HumanTime.moment(deferral.at), reason: deferral.reason,
                reviewBy: HumanTime.moment(deferral.reviewBy), reviewOverdue: deferral.reviewBy < asOf)
        }
        strategies = overview.strategyOverdue.map { line in
            StrategyRow(
                caseId: line.caseId.description, link: "/cases/\(line.caseId)", flagged: HumanTime.moment(line.flaggedAt),
                overdueBy: HumanTime.duration(asOf.timeIntervalSince(line.dueAt)), holder: line.claimedBy)
        }
        alertsPending = overview.alerts[.pending] ?? 0
        alertsDelivered = overview.alerts[.delivered] ?? 0
        alertsFailed = overview.alerts[.failed].flatMap { $0 > 0 ? $0 : nil }
        alertsConfigured = deliversAlerts
        failedAlerts = overview.failedAlerts.map { record in
            FailedAlertRow(
                caseId: record.alert.caseId.description, link: "/cases/\(record.alert.caseId)", message: record.alert.message,
                error: record.lastError ?? "")
        }
        urgent = CaseTableView(rows: overview.overdueUrgent.map { CaseRowView($0, asOf: asOf) })
        let hidden = overview.overdueUrgentCount - overview.overdueUrgent.count
        urgentMore = hidden > 0 ? hidden : nil
        oldest = CaseTableView(rows: overview.oldest.map { CaseRowView($0, asOf: asOf) })
        holders = Self.holders(overview.held, asOf: asOf)
        let failing = Dictionary(uniqueKeysWithValues: overview.failingSources.map { ($0.source, $0) })
        research = Set(sourceNames).union(overview.checks.keys).sorted().map { source in
            let counts = overview.checks[source] ?? [:]
            let failed = counts[.failed] ?? 0
            let trouble = failing[source]
            return ResearchRow(
                source: source, pending: counts[.pending] ?? 0, running: counts[.running] ?? 0,
                failed: failed > 0 ? failed : nil, retrying: trouble?.retrying, lastError: trouble?.lastError,
                nextRetry: trouble.map { HumanTime.duration(max(0, $0.nextAttemptAt.timeIntervalSince(asOf))) })
        }
        backlogChart = TrendCharts.openBacklog(snapshots)
        flowChart = TrendCharts.weeklyFlow(snapshots)
        reconstructedDays = snapshots.contains(where: \.reconstructed)
    }

    /// Held cases grouped by investigator, the one holding a case longest first.
    private static func holders(_ held: [CaseLine], asOf: Date) -> [HolderRow] {
        Dictionary(grouping: held) { $0.claimedBy ?? "" }.map { officer, lines in
            let sorted = lines.sorted { ($0.claimedAt ?? asOf, $0.caseId) < ($1.claimedAt ?? asOf, $1.caseId) }
            let shown = sorted.prefix(heldCasesShown)
            let earliest = sorted.first?.claimedAt ?? asOf
            let row = HolderRow(
                officer: officer, link: "/cases?holder=\(WebForm.percentEncoded(officer))", count: lines.count,
                longest: HumanTime.duration(asOf.timeIntervalSince(earliest)),
                cases: shown.enumerated().map { index, line in
                    HeldCase(
                        caseId: line.caseId.description, link: "/cases/\(line.caseId)",
                        heldFor: HumanTime.duration(asOf.timeIntervalSince(line.claimedAt ?? asOf)), last: index == shown.count - 1)
                },
                more: lines.count > shown.count ? lines.count - shown.count : nil)
            return (row, earliest)
        }.sorted { ($0.1, $0.0.officer) < ($1.1, $1.0.officer) }.map(\.0)
    }
}
