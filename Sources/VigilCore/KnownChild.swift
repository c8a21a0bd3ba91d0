/// A child known to a case, counted once however many sources told of it, with every source that did.
public struct KnownChild: Sendable, Hashable, Codable {
    /// Age in years, or nil when unknown.
    public var age: Int?
    /// The child's connection to the subject.
    public var relation: ChildRelation
    /// The household address or person the child is connected to, when known.
    public var about: Subject?
    /// Every source that told of the child, sorted.
    public var provenance: [Provenance]

    /// Creates the value.
    public init(age: Int?, relation: ChildRelation, about: Subject?, provenance: [Provenance]) {
        self.age = age
        self.relation = relation
        self.about = about
        self.provenance = provenance
    }

    /// The children of `children`, each once. Children of the same age and relation about the same subject
    /// (`Subject.groupKey`) are one child told of by several sources — as many of them as the source that
    /// told of most (two sources each telling of two 8-year-olds at one address are two children, not
    /// four). Children about no known subject are matched only with each other. Ordered by subject, then
    /// relation, then youngest first (unknown ages last).
    public static func merge(_ children: [Child]) -> [KnownChild] {
        struct Slot: Hashable {
            var place: String
            var relation: ChildRelation
            var age: Int?
        }
        var bySlot: [Slot: [Child]] = [:]
        for child in children {
            bySlot[Slot(place: child.about?.groupKey ?? "", relation: child.relation, age: child.age), default: []].append(child)
        }
        var merged: [KnownChild] = []
        for (_, told) in bySlot {
            let perSource = Dictionary(grouping: told, by: \.provenance).mapValues(\.count)
            let count = perSource.values.max() ?? 0
            let sources = perSource.keys.sorted()
            let about = told.compactMap(\.about).min()
            merged += Array(
                repeating: KnownChild(age: told[0].age, relation: told[0].relation, about: about, provenance: sources), count: count)
        }
        return merged.sorted {
            ($0.about?.rawValue ?? "~", $0.relation.rawValue, $0.age ?? 99) < ($1.about?.rawValue ?? "~", $1.relation.rawValue, $1.age ?? 99)
        }
    }
}
