public import Foundation

/// Canned answers per source (FORMATS.md §5): a query matches a fixture when every field in `match`
/// equals the query's field of that name (case-insensitive; for list fields, any listed value).
public struct StubFixtures: Sendable {
    /// One canned answer.
    public struct Fixture: Sendable {
        /// Field → value the query must carry.
        public var match: [String: String]
        /// HTTP status to answer with (default 200).
        public var status: Int
        /// Extra delay before answering, milliseconds.
        public var delayMs: Int
        /// The answer body.
        public var answer: Data
    }

    /// Fixtures per source name, in file order.
    public var bySource: [String: [Fixture]]

    /// No fixtures.
    public init() { bySource = [:] }

    /// Reads a fixtures file.
    public init(data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw StubError("fixtures must be a JSON object of source → [fixture]")
        }
        var bySource: [String: [Fixture]] = [:]
        for (source, value) in root {
            guard let list = value as? [[String: Any]] else { throw StubError("fixtures of '\(source)' must be an array of objects") }
            bySource[source] = try list.map { entry in
                let match = (entry["match"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
                let answer = try JSONSerialization.data(withJSONObject: entry["answer"] ?? [String: Any](), options: [.sortedKeys])
                return Fixture(
                    match: match, status: entry["status"] as? Int ?? 200, delayMs: entry["delayMs"] as? Int ?? 0,
                    answer: answer)
            }
        }
        self.bySource = bySource
    }

    /// The first fixture of `source` matching the query's fields.
    public func fixture(source: String, fields: [String: [String]]) -> Fixture? {
        let lowered = Dictionary(fields.map { ($0.key.lowercased(), $0.value.map { $0.lowercased() }) }, uniquingKeysWith: { $0 + $1 })
        return bySource[source]?.first { fixture in
            fixture.match.allSatisfy { key, value in lowered[key.lowercased()]?.contains(value.lowercased()) == true }
        }
    }
}

/// A stub configuration or request that cannot be used.
public struct StubError: Error, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}
