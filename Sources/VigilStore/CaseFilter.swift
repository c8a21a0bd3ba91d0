public import VigilCore

/// Which open cases a filtered list shows (the aged-backlog matrix links to these); nil means any.
public struct CaseFilter: Sendable, Hashable {
    /// Only cases of this effective grade.
    public var effectiveGrade: Grade?
    /// Only cases that have waited this long.
    public var band: WaitingBand?
    /// Only cases past their grade's target.
    public var overdueOnly: Bool
    /// Only cases this officer holds.
    public var holder: String?

    /// Creates a filter.
    public init(effectiveGrade: Grade? = nil, band: WaitingBand? = nil, overdueOnly: Bool = false, holder: String? = nil) {
        self.effectiveGrade = effectiveGrade
        self.band = band
        self.overdueOnly = overdueOnly
        self.holder = holder
    }
}

/// One page of a filtered list, with the number of cases matching in all.
public struct CaseLinePage: Sendable {
    /// The page's cases, longest waiting first.
    public var lines: [CaseLine]
    /// Cases matching the filter.
    public var total: Int

    /// Creates the value from its parts.
    public init(lines: [CaseLine], total: Int) {
        self.lines = lines
        self.total = total
    }
}
