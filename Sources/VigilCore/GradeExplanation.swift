/// A grade explained in plain English for the case page, e.g. "High because the social-care check found a
/// child of 7 living at the address; history not yet known — PNC pending". It follows the `vigil-1` tree:
/// the facts that decided the grade, then what is still unknown that could raise it and which pending
/// checks could tell.
public enum GradeExplanation {
    /// The explanation of `grade` from the case's combined facts, children and pending checks; `sources`
    /// tell which pending check can yield which fact; closed cases of the same subject end it.
    public static func text(
        grade: Grade, facts: [FactKind: CombinedFact], children: [Child], pendingChecks: [String],
        sources: [IntelSourceSpec], previousCases: [PreviousCase] = []
    ) -> String {
        func fact(_ kind: FactKind) -> CombinedFact { facts[kind] ?? .unknown }
        let reasons: [String]
        if fact(.imminentDanger).value == .yes {
            reasons = [clause(.imminentDanger, fact(.imminentDanger), children)]
        } else {
            let decisive: [FactKind] =
                grade >= .high
                ? [.sexualOffenceHistory] + FactKind.accessFacts + FactKind.behaviourFacts
                : [.distribution, .otherRiskFactors]
            reasons = decisive.filter { fact($0).value == .yes }.map { clause($0, fact($0), children) }
        }
        var text = "\(grade.label) because " + (reasons.isEmpty ? "nothing reported or found so far points to risk" : reasons.joined(separator: "; "))
        var explained: Set<String> = []
        for (name, group) in openQuestions(grade) where group.allSatisfy({ fact($0).value != .yes }) {
            guard group.contains(where: { fact($0).value == .unknown }) else { continue }
            let able = pendingChecks.filter { check in
                sources.first { $0.name == check }.map { !Set($0.yieldedFacts).isDisjoint(with: group) } ?? false
            }
            guard !able.isEmpty else { continue }
            explained.formUnion(able)
            text += "; \(name) not yet known — \(list(able.map(sourceName))) pending"
        }
        let others = pendingChecks.filter { !explained.contains($0) }
        if !others.isEmpty {
            text += "; also pending: \(list(others.map(sourceName)))"
        }
        if !previousCases.isEmpty {
            text += "; previously known: \(previousCases.map(\.text).joined(separator: "; "))"
        }
        return text
    }

    /// The fact groups that, found true, would raise `grade`.
    private static func openQuestions(_ grade: Grade) -> [(String, [FactKind])] {
        guard grade < .veryHigh else { return [] }
        var questions: [(String, [FactKind])] = [
            ("history", [.sexualOffenceHistory]), ("access to children", FactKind.accessFacts),
        ]
        if grade < .medium { questions.append(("other risk factors", [.distribution, .otherRiskFactors])) }
        return questions
    }

    /// One fact that holds, with who says so and of whom or where.
    private static func clause(_ kind: FactKind, _ fact: CombinedFact, _ children: [Child]) -> String {
        let who = list(fact.provenance.map(sayer))
        let verb = fact.provenance.allSatisfy { $0 == .referral } ? "reports" : "found"
        let people = fact.about.filter { !$0.isAddress }.map(\.label)
        let of = people.isEmpty ? "" : " of \(list(people))"
        switch kind {
        case .imminentDanger: return "imminent danger is reported by \(who)"
        case .sexualOffenceHistory: return "\(who) \(verb) a sexual offence history\(of)"
        case .childAccessHousehold: return "\(who) \(verb) \(households(children, seenBy: fact.provenance))"
        case .childAccessOccupation: return "\(who) \(verb) that \(people.isEmpty ? "the subject" : list(people)) works with children"
        case .childAccessOther: return "\(who) \(verb) other access to children\(of)"
        case .identifiedChildVictim: return "\(who) \(verb) an identified child victim\(of)"
        case .contactAbuseIndicators: return "\(who) \(verb) signs of contact abuse\(of)"
        case .sexualCommunicationWithChild: return "\(who) \(verb) sexual communication with a child\(of)"
        case .distribution: return "\(who) \(verb) distribution of indecent images\(of)"
        case .otherRiskFactors: return "\(who) \(verb) other risk factors\(of)"
        }
    }

    /// The household children the sources told of, per address: "children of 11 and 8 living at 12
    /// Placeholder Close, Sampleford, ZZ1 1AA", "a child living at the address" when none is placed.
    private static func households(_ children: [Child], seenBy sources: [Provenance]) -> String {
        let known = KnownChild.merge(children.filter { $0.relation == .household && sources.contains($0.provenance) })
        var order: [String] = []
        var ages: [String: [Int]] = [:]
        for child in known {
            let place = child.about.map { $0.isAddress ? $0.label : "the home of \($0.label)" } ?? "the address"
            if ages[place] == nil { order.append(place) }
            ages[place, default: []] += child.age.map { [$0] } ?? []
        }
        guard !order.isEmpty else { return "a child living at the address" }
        return list(order.map { "\(childrenText((ages[$0] ?? []).sorted(by: >))) living at \($0)" })
    }

    private static func childrenText(_ ages: [Int]) -> String {
        switch ages.count {
        case 0: "a child"
        case 1: "a child of \(ages[0])"
        default: "children of \(list(ages.map(String.init)))"
        }
    }

    /// "the referral", "the social-care check", "the PNC check".
    private static func sayer(_ provenance: Provenance) -> String {
        let raw = provenance.rawValue
        if raw.hasPrefix("case:") { return "earlier case \(raw.dropFirst("case:".count))" }
        guard raw.hasPrefix("check:") else { return raw == "referral" ? "the referral" : raw }
        return "the \(sourceName(String(raw.dropFirst("check:".count)))) check"
    }

    /// A source's name as people write it: the national systems in capitals (PNC, PND, ViSOR).
    private static func sourceName(_ name: String) -> String {
        switch name {
        case "pnc", "pnd": name.uppercased()
        case "visor": "ViSOR"
        default: name
        }
    }

    /// "a", "a and b", "a, b and c".
    private static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
