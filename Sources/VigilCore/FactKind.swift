/// The phases of the `vigil-1` decision tree a fact belongs to.
public enum FactPhase: Int, Sendable {
    case override = 0
    case history = 1
    case access = 2
    case behaviour = 3
    case other = 4
}

/// Every fact Vigil knows about a case; facts are the only input of risk.
public enum FactKind: String, Sendable, Codable, CaseIterable, Hashable {
    case imminentDanger
    case sexualOffenceHistory
    case childAccessHousehold
    case childAccessOccupation
    case childAccessOther
    case identifiedChildVictim
    case contactAbuseIndicators
    case sexualCommunicationWithChild
    case distribution
    case otherRiskFactors

    /// The tree phase that reads this fact.
    public var phase: FactPhase {
        switch self {
        case .imminentDanger: .override
        case .sexualOffenceHistory: .history
        case .childAccessHousehold, .childAccessOccupation, .childAccessOther, .identifiedChildVictim: .access
        case .contactAbuseIndicators, .sexualCommunicationWithChild: .behaviour
        case .distribution, .otherRiskFactors: .other
        }
    }

    /// The four phase-2 facts that make up `access`.
    public static let accessFacts: [FactKind] = [
        .childAccessHousehold, .childAccessOccupation, .childAccessOther, .identifiedChildVictim,
    ]

    /// The two phase-3 facts that make up `behaviour`.
    public static let behaviourFacts: [FactKind] = [.contactAbuseIndicators, .sexualCommunicationWithChild]

}
