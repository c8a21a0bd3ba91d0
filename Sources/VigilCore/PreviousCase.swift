#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A closed case that shares an identifier with a new referral: the subject was known before. The new
/// case is linked to it as "previously known", and an arrest in it makes the sexual-offence history known.
public struct PreviousCase: Sendable, Hashable, Codable {
    /// The earlier case.
    public var caseId: CaseID
    /// When it was closed (its latest closing).
    public var closedAt: Date
    /// Its closing outcome as recorded (`arrested; 2 children safeguarded`, `transferred to …`).
    public var outcome: String

    /// Creates the value.
    public init(caseId: CaseID, closedAt: Date, outcome: String) {
        self.caseId = caseId
        self.closedAt = closedAt
        self.outcome = outcome
    }

    /// Earlier cases a new case lists, most recently closed first.
    public static let listed = 10

    /// The outcome's code, when the text starts with one.
    public var outcomeCode: CaseOutcomeCode? {
        outcome.split(whereSeparator: { $0 == " " || $0 == ";" }).first.flatMap { CaseOutcomeCode(rawValue: String($0)) }
    }

    /// `subject of C-000042, closed 2026-10-01 arrested`, as the case page, `vigil show` and the
    /// explanation print it.
    public var text: String {
        "subject of \(caseId), closed \(DayText.format(closedAt)) \(outcome)"
    }

    /// What the earlier case makes known, with the provenance `case:C-000042`: a case closed with an arrest
    /// makes `sexualOffenceHistory` yes (the team arrested the subject for an offence of this kind). Other
    /// outcomes say nothing: a case closed for want of evidence is not a history.
    public func observations(at: Date) -> [FactObservation] {
        guard outcomeCode == .arrested else { return [] }
        return [FactObservation(fact: .sexualOffenceHistory, value: true, provenance: .earlierCase(caseId), at: at)]
    }
}
