/// How a child known to the case is connected to the subject.
public enum ChildRelation: String, Sendable, Codable, CaseIterable {
    case household
    case occupation
    case other
    case victim

    /// The fact a child of this relation makes yes: living in the household, reached through work, other
    /// access, or an identified victim.
    public var accessFact: FactKind {
        switch self {
        case .household: .childAccessHousehold
        case .occupation: .childAccessOccupation
        case .other: .childAccessOther
        case .victim: .identifiedChildVictim
        }
    }
}

/// A child linked to a case.
public struct Child: Sendable, Hashable, Codable {
    /// Age in years, or nil when unknown.
    public var age: Int?
    /// The child's connection to the subject.
    public var relation: ChildRelation
    /// Who told Vigil about the child.
    public var provenance: Provenance
    /// The household address or person the child is connected to, when known.
    public var about: Subject?

    /// Creates a child.
    public init(age: Int?, relation: ChildRelation, provenance: Provenance, about: Subject? = nil) {
        self.age = age
        self.relation = relation
        self.provenance = provenance
        self.about = about
    }

    /// The minimum known age of the children, nil when no age is known.
    public static func youngestAge(of children: [Child]) -> Int? {
        children.compactMap(\.age).min()
    }
}
