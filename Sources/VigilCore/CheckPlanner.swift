/// A check to create: which source, with which query, and how often it may be tried.
public struct PlannedCheck: Sendable, Hashable {
    /// The source's name.
    public var source: String
    /// The query's canonical JSON text (`CheckQuery.jsonText`), written once when the check is planned.
    public let queryText: String
    /// Attempts allowed before the check is marked failed (the source's quick attempts and slow retries).
    public var maxAttempts: Int

    /// Creates a planned check.
    public init(source: String, queryText: String, maxAttempts: Int = 1) {
        self.source = source
        self.queryText = queryText
        self.maxAttempts = maxAttempts
    }
}

/// Research as a dataflow: a check becomes runnable the moment its inputs are known.
public enum CheckPlanner {
    /// Every check the inputs allow, one per source and distinct input (identifiers go together). A name
    /// without a date of birth is dropped when the same name also comes with one: it is the same person.
    /// Each need's queries are written once, however many sources share them (planning runs for every
    /// imported referral).
    public static func plan(sources: [IntelSourceSpec], inputs: ResearchInputs) -> [PlannedCheck] {
        var texts = [[String]?](repeating: nil, count: CheckNeed.allCases.count)
        var planned: [PlannedCheck] = []
        for source in sources {
            let slot = slot(source.needs)
            let queries = texts[slot] ?? queryTexts(source.needs, inputs)
            texts[slot] = queries
            for query in queries {
                planned.append(PlannedCheck(source: source.name, queryText: query, maxAttempts: source.totalAttempts))
            }
        }
        return planned
    }

    /// The distinct queries `inputs` give a source that needs `need`, as JSON text. An IP address counts
    /// once per instant (to the millisecond, as the query writes it), whatever its port.
    static func queryTexts(_ need: CheckNeed, _ inputs: ResearchInputs) -> [String] {
        switch need {
        case .ip:
            return unique(inputs.ips, by: { "\($0.ipAddress)@\(Timestamp.millis($0.at))" }).map { CheckQuery.ip($0).jsonText }
        case .address:
            return unique(inputs.addresses, by: { LinkKey.normalisedPostcode($0.postcode) + "|" + $0.line1.lowercased() })
                .map { CheckQuery.address($0).jsonText }
        case .person:
            let datedNames = Set(inputs.persons.filter { $0.dateOfBirth != nil }.map { $0.name.lowercased() })
            let persons = inputs.persons.filter { $0.dateOfBirth != nil || !datedNames.contains($0.name.lowercased()) }
            return unique(persons, by: { "\($0.name.lowercased())|\($0.dateOfBirth ?? "")" }).map { CheckQuery.person($0).jsonText }
        case .identifiers:
            return inputs.identifiers.isEmpty ? [] : [CheckQuery.identifiers(inputs.identifiers).jsonText]
        }
    }

    private static func slot(_ need: CheckNeed) -> Int {
        switch need {
        case .ip: 0
        case .address: 1
        case .person: 2
        case .identifiers: 3
        }
    }

    private static func unique<T>(_ items: [T], by key: (T) -> String) -> [T] {
        guard items.count > 1 else { return items }
        var seen = Set<String>()
        return items.filter { seen.insert(key($0)).inserted }
    }
}
