import PostgresNIO

/// A `WHERE` condition on cases assembled from parts, each `?` in a part bound to the next value: the
/// filters of a case listing vary, and `PostgresQuery` interpolation cannot join two queries' binds.
struct CaseQuery {
    private var parts: [String] = []
    private var leading: [any PostgresDynamicTypeEncodable & Sendable] = []
    private var values: [(any PostgresDynamicTypeEncodable & Sendable)?] = []
    private var tail = ""

    /// A condition of one part.
    init(_ part: String, _ values: (any PostgresDynamicTypeEncodable & Sendable)?...) {
        and(part, values)
    }

    /// Adds a part, joined with `AND`.
    mutating func and(_ part: String, _ values: (any PostgresDynamicTypeEncodable & Sendable)?...) {
        and(part, values)
    }

    private mutating func and(_ part: String, _ values: [(any PostgresDynamicTypeEncodable & Sendable)?]) {
        parts.append(part)
        self.values += values
    }

    /// Text after the condition (its order and limit), its `?`s bound after the condition's.
    mutating func suffix(_ text: String, _ values: (any PostgresDynamicTypeEncodable & Sendable)?...) {
        tail += text
        self.values += values
    }

    /// A value bound before the condition's, as `$1`, for the text before `WHERE` to use.
    mutating func prefixBind(_ value: any PostgresDynamicTypeEncodable & Sendable) {
        leading.append(value)
    }

    /// The statement: `prefix`, the condition, the suffix, with every `?` numbered.
    func query(prefix: String) -> PostgresQuery {
        var bindings = PostgresBindings()
        for value in leading { bindings.append(value) }
        var sql = prefix + parts.map { "(\($0))" }.joined(separator: " AND ") + tail
        var index = leading.count
        var next = values.makeIterator()
        while let mark = sql.firstIndex(of: "?") {
            index += 1
            sql.replaceSubrange(mark...mark, with: "$\(index)")
            if let value = next.next() {
                if let value { bindings.append(value) } else { bindings.appendNull() }
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
