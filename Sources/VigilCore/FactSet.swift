/// The combined value of one fact with the sources that support it.
public struct CombinedFact: Sendable, Hashable, Codable {
    /// `yes` if any source says yes; else `no` if any says no; else `unknown`.
    public var value: TriState
    /// The sources that said the winning value, sorted; empty when unknown.
    public var provenance: [Provenance]
    /// Whom or where those sources said it of, sorted; empty when none said.
    public var about: [Subject]

    /// Creates a combined fact.
    public init(value: TriState, provenance: [Provenance], about: [Subject] = []) {
        self.value = value
        self.provenance = provenance
        self.about = about
    }

    /// The unknown value with no support.
    public static let unknown = CombinedFact(value: .unknown, provenance: [])

    /// Combines several facts' values as one: `yes` if any is yes, `no` if all are no, else `unknown`.
    public static func any(_ values: [CombinedFact]) -> CombinedFact {
        let yes = values.filter { $0.value == .yes }
        if !yes.isEmpty {
            return CombinedFact(value: .yes, provenance: Set(yes.flatMap(\.provenance)).sorted(), about: Set(yes.flatMap(\.about)).sorted())
        }
        if values.allSatisfy({ $0.value == .no }) {
            return CombinedFact(
                value: .no, provenance: Set(values.flatMap(\.provenance)).sorted(), about: Set(values.flatMap(\.about)).sorted())
        }
        return .unknown
    }

    /// `yes(referral,check:pnc)`, `no(check:visor)` or `unknown`, as the tree's path prints it.
    public var pathText: String {
        provenance.isEmpty
            ? value.rawValue
            : "\(value.rawValue)(\(provenance.map(\.rawValue).joined(separator: ",")))"
    }
}

/// All observations of a case, combined per fact.
public struct FactSet: Sendable, Hashable {
    private var observations: [FactKind: [FactObservation]] = [:]

    /// An empty fact set: every fact unknown.
    public init() {}

    /// A fact set holding the given observations.
    public init(_ observations: some Sequence<FactObservation>) {
        for observation in observations { insert(observation) }
    }

    /// Adds an observation.
    public mutating func insert(_ observation: FactObservation) {
        observations[observation.fact, default: []].append(observation)
    }

    /// The combined value of a fact. An officer's finding outranks the referral and every check: the
    /// latest officer observation decides alone (on the same instant, yes). Otherwise `yes` if any source
    /// says yes, `no` if any says no.
    public subscript(fact: FactKind) -> CombinedFact {
        guard let list = observations[fact], !list.isEmpty else { return .unknown }
        if list.count == 1 {
            return CombinedFact(value: list[0].value ? .yes : .no, provenance: [list[0].provenance], about: list[0].about.map { [$0] } ?? [])
        }
        if let finding = list.filter(\.provenance.isOfficer).max(by: { ($0.at, $0.value ? 1 : 0) < ($1.at, $1.value ? 1 : 0) }) {
            return CombinedFact(value: finding.value ? .yes : .no, provenance: [finding.provenance], about: finding.about.map { [$0] } ?? [])
        }
        let yes = list.filter(\.value)
        let winners = yes.isEmpty ? list : yes
        return CombinedFact(
            value: yes.isEmpty ? .no : .yes, provenance: Set(winners.map(\.provenance)).sorted(),
            about: Set(winners.compactMap(\.about)).sorted())
    }

    /// The case's child-access summary: `yes` if any phase-2 fact is yes; `no` if household,
    /// occupation and other access are all no; otherwise `unknown`.
    public var childAccess: TriState {
        if FactKind.accessFacts.contains(where: { self[$0].value == .yes }) { return .yes }
        let decisive: [FactKind] = [.childAccessHousehold, .childAccessOccupation, .childAccessOther]
        return decisive.allSatisfy({ self[$0].value == .no }) ? .no : .unknown
    }
}
