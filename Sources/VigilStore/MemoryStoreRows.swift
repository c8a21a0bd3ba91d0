#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// A case as `MemoryStore` holds it: the columns a SQL store keeps in its `cases` row, and the rows of its
/// own that hang off it.
struct MemoryCase {
    var id: Int64
    var isOpen = true
    var receivedAt: Date
    var grade: Grade
    var promotedGrade: Grade?
    var dueAt: Date
    var childAccess: TriState
    var youngestChildAge: Int?
    var provisional: Bool
    var researchFailed: [String]
    var imminentDanger: Bool
    var claimedBy: String?
    var claimedAt: Date?
    var updatedAt: Date
    var facts: [FactObservation] = []
    var children: [MemoryChild] = []
    var assessments: [AssessmentRecord] = []
    var claims: [ClaimRecord] = []
    var notifications: [NotificationRecord] = []
    var strategies: [StrategyRecord] = []
    var checkIds: [Int64] = []
    var referralIndexes: [Int] = []
    var previousCases: [PreviousCase] = []
    var addresses: [CaseAddress] = []

    /// A new case graded by `evaluation`.
    init(id: Int64, receivedAt: Date, evaluation: CaseEvaluation, at now: Date) {
        self.id = id
        self.receivedAt = receivedAt
        (grade, promotedGrade, dueAt, childAccess, youngestChildAge, provisional, imminentDanger, researchFailed) = Self.columns(of: evaluation)
        updatedAt = now
    }

    /// Takes a re-assessment's grade and backlog columns.
    mutating func evaluate(_ evaluation: CaseEvaluation, at now: Date) {
        (grade, promotedGrade, dueAt, childAccess, youngestChildAge, provisional, imminentDanger, researchFailed) = Self.columns(of: evaluation)
        updatedAt = now
    }

    /// The grade and backlog columns an evaluation gives a case.
    private static func columns(of evaluation: CaseEvaluation) -> (Grade, Grade?, Date, TriState, Int?, Bool, Bool, [String]) {
        (
            evaluation.assessment.grade, evaluation.promotedGrade, evaluation.dueAt.storedInstant, evaluation.childAccess,
            evaluation.youngestChildAge, evaluation.assessment.provisional, evaluation.imminentDanger, evaluation.assessment.failedChecks
        )
    }

    /// The effective grade at `asOf` from the stored instants: the promoted grade once the due instant has
    /// passed, else the grade.
    func effectiveGrade(asOf: Date) -> Grade {
        if let promotedGrade, dueAt < asOf { return promotedGrade }
        return grade
    }

    /// The backlog key at `asOf`.
    func backlogKey(asOf: Date) -> BacklogKey {
        BacklogKey(
            imminentDanger: imminentDanger, effectiveGrade: effectiveGrade(asOf: asOf), childAccess: childAccess, youngestChildAge: youngestChildAge,
            receivedAt: receivedAt, caseId: CaseID(id))
    }

    /// The listing order at `asOf`: unclaimed cases by backlog key, then claimed ones by the same key.
    func orderKey(asOf: Date) -> ListingKey { ListingKey(claimed: claimedBy != nil, key: backlogKey(asOf: asOf)) }

    /// Gives the case to `officer`.
    mutating func claim(by officer: String, at now: Date) {
        claimedBy = officer
        claimedAt = now
        updatedAt = now
        claims.append(ClaimRecord(officer: officer, claimedAt: now, releasedAt: nil))
    }

    /// Ends the current claim, if any.
    mutating func releaseClaim(at now: Date) {
        claimedBy = nil
        claimedAt = nil
        updatedAt = now
        for index in claims.indices where claims[index].releasedAt == nil {
            claims[index].releasedAt = now
        }
    }
}

/// The order of the open-case listing: unclaimed before claimed, then the backlog key.
struct ListingKey: Comparable {
    var claimed: Bool
    var key: BacklogKey

    static func < (lhs: ListingKey, rhs: ListingKey) -> Bool {
        lhs.claimed != rhs.claimed ? !lhs.claimed : lhs.key < rhs.key
    }
}

/// A child with the instant it was recorded.
struct MemoryChild {
    var child: Child
    var at: Date
}

/// A stored referral.
struct MemoryReferral {
    var submission: ReferralSubmission
    var caseId: Int64
    var importedAt: Date
}

/// A check row.
struct MemoryCheck {
    var id: Int64
    var caseId: Int64
    var source: String
    var query: String
    var row: CheckRow
    var nextAttemptAt: Date
    var createdAt: Date
    var leaseOwner: String?
    var leaseUntil: Date?
    var finishedAt: Date?
    var lastError: String?
    var summary: String?

    /// The check as its case lists it.
    var record: CheckRecord {
        CheckRecord(
            id: id, caseId: CaseID(caseId), source: source, state: row.state, attempts: row.attempts, lastError: lastError,
            query: query, nextAttemptAt: row.state == .pending ? nextAttemptAt : nil, summary: summary)
    }
}

/// A safeguarding flag row.
struct MemoryFlag {
    var caseId: Int64
    var kind: FlagKind
    var about: Subject?
    var state: FlagState
    var raisedAt: Date
    var dueAt: Date
    var raisedBy: Provenance

    /// The call it is.
    var key: FlagKey { FlagKey(kind, about: about) }
}

/// A decision row (a deferral, a close, or an officer's decision).
struct MemoryDecision {
    var caseId: Int64
    var record: DecisionRecord
}

/// A user with the hash of their token.
struct MemoryUser {
    var record: UserRecord
    var tokenHash: String
}
