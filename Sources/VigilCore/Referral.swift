#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where a referral came from; with its ref it is the referral's identity.
public enum ReferralSource: String, Sendable, Codable, CaseIterable {
    /// An NCA referral package (mostly NCMEC CyberTipline reports).
    case nca
    /// A P2P monitoring tool's detection lead.
    case p2p
    /// A CyberTipline report read from NCMEC's own XML (`--format cybertip-xml`); its ref is NCMEC's report id.
    case ncmec
}

/// A referral in normalised form: the facts it carries, its children, its link keys and what research
/// can start from.
public struct Referral: Sendable, Hashable {
    /// The referral's origin.
    public var source: ReferralSource
    /// `packageId` or `leadId`.
    public var ref: String
    /// When the force received it.
    public var receivedAt: Date
    /// Facts the referral itself carries (provenance `referral`).
    public var observations: [FactObservation]
    /// Children the referral names.
    public var children: [Child]
    /// Strong identifiers that link it to open cases: distinct, sorted.
    public let linkKeys: [LinkKey]
    /// What intelligence checks can start from.
    public var research: ResearchInputs
    /// The ref of the package this one supplements (NCA `supplements`, or its own `packageId` when it sets
    /// `supplementary: true`), nil for an ordinary referral.
    public var supplements: String?

    /// Creates a referral.
    public init(
        source: ReferralSource, ref: String, receivedAt: Date, observations: [FactObservation], children: [Child],
        linkKeys: [LinkKey], research: ResearchInputs, supplements: String? = nil
    ) {
        self.source = source
        self.ref = ref
        self.receivedAt = receivedAt
        self.observations = observations
        self.children = children
        self.linkKeys = linkKeys.count < 2 ? linkKeys : Array(Set(linkKeys)).sorted()
        self.research = research
        self.supplements = supplements
    }

    /// The addresses the referral resolved itself (an NCA package's subscriber), as the case keeps them.
    public var addresses: [CaseAddress] {
        research.addresses.map { CaseAddress(address: .address($0), type: $0.addressType, provenance: .referral) }
    }

    /// The ref a supplementary package with its original's `packageId` is stored under: the id, `+` and its
    /// dissemination time (`+` never occurs in a package id, so no package can collide with it, and the
    /// same supplementary imported again is a duplicate).
    public static func supplementaryRef(_ packageId: String, disseminatedAt: Date) -> String {
        "\(packageId)+\(Timestamp.format(disseminatedAt))"
    }
}

/// A referral ready to be stored: the normalised referral, its payload verbatim, and the digest of its
/// content that decides "duplicate" (same content) from "conflict" (same ref, other content).
public struct ReferralSubmission: Sendable, Hashable {
    /// The normalised referral.
    public var referral: Referral
    /// The payload exactly as received.
    public var raw: String
    /// The lower-case hex SHA-256 of the payload's canonical form (keys sorted, insignificant white space
    /// removed): equal digests, equal content. The parser makes it, beside the parse, so the store's
    /// single writer only compares and stores it.
    public var contentDigest: String

    /// Creates a submission.
    public init(referral: Referral, raw: String, contentDigest: String) {
        self.referral = referral
        self.raw = raw
        self.contentDigest = contentDigest
    }
}

/// A submission with its checks planned and its grade as a case of its own, ready for a store. Both are
/// pure, so importers work them out while the store is still writing the previous chunk.
public struct PlannedReferral: Sendable {
    /// The submission.
    public var submission: ReferralSubmission
    /// The checks its research inputs allow (`CheckPlanner.plan`).
    public var checks: [PlannedCheck]
    /// How the referral grades, ages and flags as a new case at the planning instant: what a store records
    /// when the referral opens a case. (One that joins a case is graded again with the whole case.)
    public var evaluationAsNewCase: CaseEvaluation
    /// The text columns of that grading's history row.
    public var assessmentTextAsNewCase: AssessmentText

    /// Plans `submission`'s checks from `sources` and grades it at `now` against `targets`.
    public init(_ submission: ReferralSubmission, sources: [IntelSourceSpec], targets: ActionTargets, now: Date) {
        self.submission = submission
        checks = CheckPlanner.plan(sources: sources, inputs: submission.referral.research)
        evaluationAsNewCase = Self.evaluate(submission.referral, checks: checks, adding: [], now: now, targets: targets)
        assessmentTextAsNewCase = AssessmentText(evaluationAsNewCase.assessment)
    }

    /// How `referral` grades as a new case with `checks` pending and `extra` observations beside its own.
    static func evaluate(
        _ referral: Referral, checks: [PlannedCheck], adding extra: [FactObservation], now: Date, targets: ActionTargets
    ) -> CaseEvaluation {
        let state = CaseState(
            facts: FactSet(referral.observations + extra), children: referral.children, pendingChecks: checks.map(\.source),
            receivedAt: referral.receivedAt, raisedFlags: [])
        return CaseEvaluation.evaluate(state, trigger: .referral, now: now, targets: targets)
    }
}
