/// A fact's value: `unknown` is never read as `no`.
public enum TriState: String, Sendable, Codable, CaseIterable {
    case yes
    case no
    case unknown

    /// Rank used by the backlog order: `yes` before `unknown` before `no`.
    public var backlogRank: Int {
        switch self {
        case .yes: 0
        case .unknown: 1
        case .no: 2
        }
    }

    /// The value for a backlog rank, the inverse of `backlogRank`.
    public init?(backlogRank: Int) {
        guard let value = TriState.allCases.first(where: { $0.backlogRank == backlogRank }) else { return nil }
        self = value
    }
}
