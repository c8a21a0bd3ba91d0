/// A check to create: which source, with which query, and how often it may be tried.
public struct PlannedCheck: Sendable, Hashable {
    /// The source's name.
    public var source: String
    /// The query to send.
    public let query: CheckQuery
    /// The query's canonical JSON text (`query.jsonText`), written once when the check is planned.
    public let queryText: String
    /// Attempts allowed before the check is marked failed (the source's `maxAttempts`).
    public var maxAttempts: Int

    /// Creates a planned check; `queryText` defaults to the query's canonical JSON.
    public init(source: String, query: CheckQuery, queryText: String? = nil, maxAttempts: Int = 1) {
        self.source = source
        self.query = query
        self.queryText = queryText ?? query.jsonText
        self.maxAttempts = maxAttempts
    }
}

/// Research as a dataflow: a check becomes runnable the moment its inputs are known.
public enum CheckPlanner {
    /// Every check the inputs allow, one per source and distinct input (identifiers go together). A name
    /// without a date of birth is dropped when the same name also comes with one: it is the same person.
    public static func plan(sources: [IntelSourceSpec], inputs: ResearchInputs) -> [PlannedCheck] {
        var queries: [CheckNeed: [CheckQuery]] = [:]
        queries[.ip] = unique(inputs.ips, by: { "\($0.ipAddress)@\($0.at.timeIntervalSince1970)" }).map(CheckQuery.ip)
        queries[.address] = unique(inputs.addresses, by: {
            LinkKey.normalisedPostcode($0.postcode) + "|" + $0.line1.lowercased()
        }).map(CheckQuery.address)
        let datedNames = Set(inputs.persons.filter { $0.dateOfBirth != nil }.map { $0.name.lowercased() })
        let persons = inputs.persons.filter { $0.dateOfBirth != nil || !datedNames.contains($0.name.lowercased()) }
        queries[.person] = unique(persons, by: { "\($0.name.lowercased())|\($0.dateOfBirth ?? "")" }).map(CheckQuery.person)
        queries[.identifiers] = inputs.identifiers.isEmpty ? [] : [.identifiers(inputs.identifiers)]
        var texts: [CheckNeed: [String]] = [:]
        return sources.flatMap { source in
            let needed = queries[source.needs] ?? []
            let text = texts[source.needs] ?? needed.map(\.jsonText)
            texts[source.needs] = text
            return zip(needed, text).map {
                PlannedCheck(source: source.name, query: $0, queryText: $1, maxAttempts: source.maxAttempts)
            }
        }
    }

    private static func unique<T>(_ items: [T], by key: (T) -> String) -> [T] {
        var seen = Set<String>()
        return items.filter { seen.insert(key($0)).inserted }
    }
}
