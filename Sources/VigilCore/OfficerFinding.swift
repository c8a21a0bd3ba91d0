#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What an officer learnt about a case (a visit, a call to social care): facts set to yes or no and
/// children, each with the provenance `officer:<name>`. A child also makes its relation's access fact yes.
public struct OfficerFinding: Sendable, Hashable {
    /// The facts observed, the children's access facts among them.
    public var observations: [FactObservation]
    /// The children found.
    public var children: [Child]
    /// What the officer did or heard.
    public var note: String

    /// A finding from a person's input: `facts` as `name=yes|no` (e.g. `childAccessHousehold=yes`),
    /// `children` as `AGE:relation` (`7:household`, `?:other` for an unknown age), a note that is not
    /// empty, by `officer` at `at`, each about `about` when the officer names a person or address. At least
    /// one fact or child.
    public init(
        facts: [String], children: [String], note: String, by officer: String, at: Date, about: Subject? = nil
    ) throws(OfficerFindingError) {
        let provenance = Provenance.officer(officer)
        var observations: [FactObservation] = []
        for text in facts {
            let parts = text.split(separator: "=", maxSplits: 1).map { CaseOutcome.trimmed(String($0)) ?? "" }
            guard parts.count == 2, let fact = FactKind(rawValue: parts[0]) else {
                throw OfficerFindingError(
                    "'\(text)' is not FACT=yes|no with FACT one of \(FactKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard parts[1] == "yes" || parts[1] == "no" else { throw OfficerFindingError("'\(text)': the value is yes or no") }
            observations.append(FactObservation(fact: fact, value: parts[1] == "yes", provenance: provenance, at: at, about: about))
        }
        var found: [Child] = []
        for text in children {
            let parts = text.split(separator: ":", maxSplits: 1).map { CaseOutcome.trimmed(String($0)) ?? "" }
            guard parts.count == 2, let relation = ChildRelation(rawValue: parts[1]),
                parts[0] == "?" || Int(parts[0]).map({ (0...17).contains($0) }) == true
            else {
                throw OfficerFindingError(
                    "'\(text)' is not AGE:RELATION with AGE 0–17 or ? and RELATION one of \(ChildRelation.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            found.append(Child(age: Int(parts[0]), relation: relation, provenance: provenance, about: about))
            observations.append(FactObservation(fact: relation.accessFact, value: true, provenance: provenance, at: at, about: about))
        }
        guard !observations.isEmpty else { throw OfficerFindingError("record at least one fact (--set FACT=yes|no) or child (--child AGE:RELATION)") }
        guard let note = CaseOutcome.trimmed(note) else { throw OfficerFindingError("say how it was learnt (--note, e.g. 'home visit')") }
        self.observations = observations
        self.children = found
        self.note = note
    }

    /// The finding as one line for the audit log.
    public var summary: String {
        let facts = observations.map { "\($0.fact.rawValue)=\($0.value ? "yes" : "no")" }
        let kids = children.map { "child \($0.age.map(String.init) ?? "?"):\($0.relation.rawValue)" }
        let about = observations.first?.about.map { " about \($0.label)" } ?? ""
        return (facts + kids).joined(separator: ", ") + about + "; \(note)"
    }

    /// The subject a person names for a finding: a person (`--subject "Sam Sample (DOB 1979-05-05)"`) or an
    /// address (`--address "3 Example Terrace, Northtown, ZZ9 9ZZ"`), not both; nil when neither is given.
    public static func about(subject: String?, address: String?) throws(OfficerFindingError) -> Subject? {
        let person = subject.flatMap(CaseOutcome.trimmed)
        let place = address.flatMap(CaseOutcome.trimmed)
        switch (person, place) {
        case (.some, .some): throw OfficerFindingError("name a person (--subject) or an address (--address), not both")
        case (let person?, nil): return Subject(rawValue: "person:\(person)")
        case (nil, let place?):
            guard place.contains(",") else {
                throw OfficerFindingError("an address is 'LINE1, [TOWN,] POSTCODE' (e.g. '3 Example Terrace, ZZ9 9ZZ')")
            }
            return Subject(rawValue: "address:\(place)")
        case (nil, nil): return nil
        }
    }
}

/// Why an officer's finding was refused.
public struct OfficerFindingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence for people.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
