import Foundation
import VigilCore
import VigilStore

/// The human form of `vigil show`.
enum CaseText {
    /// Renders a case for an investigator.
    static func render(_ detail: CaseDetail, asOf: Date) -> String {
        let summary = detail.summary
        var lines = [
            "\(summary.caseId)  \(detail.status)  grade \(summary.grade.label)\(summary.provisional ? " (provisional)" : "")"
                + (summary.researchFailed.isEmpty ? "" : "  research incomplete: checks of \(summary.researchFailed.joined(separator: ", ")) failed")
                + (summary.effectiveGrade != summary.grade ? ", effective \(summary.effectiveGrade.label) (aged)" : ""),
            "received \(Timestamp.format(summary.receivedAt)), waiting \(BacklogTable.duration(asOf.timeIntervalSince(summary.receivedAt))), "
                + "due \(Timestamp.format(summary.dueAt))\(summary.overdue ? " OVERDUE" : "")",
            "child access \(summary.childAccess.rawValue), youngest child \(summary.youngestChildAge.map(String.init) ?? "unknown")"
                + (summary.claimedBy.map { ", held by \($0)" } ?? ""),
        ]
        if let latest = detail.assessments.last { lines.append("why: \(latest.path)") }
        lines.append(
            "referrals: "
                + detail.referrals.map { "\($0.source.rawValue):\($0.ref)" + ($0.supplements.map { " (supplements \($0))" } ?? "") }
                .joined(separator: ", "))
        if !detail.previousCases.isEmpty {
            lines.append("previously known: " + detail.previousCases.map(\.text).joined(separator: "; "))
        }
        lines.append("facts:")
        for fact in detail.facts where fact.value != .unknown {
            lines.append(
                "  \(fact.fact.rawValue) = \(fact.value.rawValue) (\(fact.provenance.map(\.rawValue).joined(separator: ", ")))"
                    + (fact.about.isEmpty ? "" : " — \(fact.about.map(\.label).joined(separator: "; "))"))
        }
        if !detail.knownChildren.isEmpty {
            lines.append("children:")
            for child in detail.knownChildren {
                lines.append(
                    "  \(child.age.map { "\($0)y" } ?? "age unknown") \(child.relation.rawValue)"
                        + (child.about.map { " — \($0.label)" } ?? "") + " (\(child.provenance.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if !detail.addresses.isEmpty {
            lines.append("addresses:")
            for address in detail.addresses { lines.append("  " + address.text) }
        }
        for flag in summary.flags {
            lines.append(
                "flag \(flag.key): \(flag.state.rawValue), raised \(Timestamp.format(flag.raisedAt)) by \(flag.raisedBy), "
                    + "due \(Timestamp.format(flag.dueAt))\(flag.overdue ? " OVERDUE" : "")")
        }
        if !detail.checks.isEmpty {
            lines.append("checks:")
            for check in detail.checks { lines.append("  " + CheckText.line(check)) }
        }
        lines.append("assessments:")
        for assessment in detail.assessments {
            lines.append(
                "  \(Timestamp.format(assessment.at)) \(assessment.grade.label)\(assessment.provisional ? "*" : "") "
                    + "[\(assessment.trigger)] \(assessment.path)")
        }
        for notification in detail.notifications {
            lines.append(
                "notified \(notification.flagKey) by \(notification.by) at \(Timestamp.format(notification.at)) "
                    + "via \(notification.method), ref \(notification.reference)")
        }
        for decision in detail.decisions {
            lines.append(
                "decision \(decision.kind)\(decision.flagKey.map { " \($0)" } ?? "") by \(decision.by) at "
                    + "\(Timestamp.format(decision.at)): \(decision.detail)"
                    + (decision.reviewBy.map { ", review by \(Timestamp.format($0))" } ?? ""))
        }
        // Each line escaped: a field with a newline or terminal codes cannot forge a line or move the cursor.
        return lines.map(DisplayText.escaped).joined(separator: "\n")
    }
}
