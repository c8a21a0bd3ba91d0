/// How much of one source answer Vigil accepts. An answer past a count limit is refused as a whole (a
/// failed attempt with a readable reason): a source that lists 100,000 children or 3,000 persons is broken
/// or hostile, and storing such an answer would multiply rows and checks without bound. Text past
/// `textCharacters` is cut there, marked with an ellipsis.
public struct AnswerLimits: Sendable, Hashable, Codable {
    /// Children one answer may list.
    public var children: Int
    /// Persons one answer may list.
    public var persons: Int
    /// Characters kept of one text field (a summary, a name, an address line, a job title).
    public var textCharacters: Int

    /// Creates limits.
    public init(children: Int, persons: Int, textCharacters: Int) {
        self.children = children
        self.persons = persons
        self.textCharacters = textCharacters
    }

    /// The defaults: 50 children, 20 persons, 500 characters of text.
    public static let standard = AnswerLimits(children: 50, persons: 20, textCharacters: 500)

    /// `text` cut to `textCharacters`, an ellipsis marking the cut.
    public func clipped(_ text: String) -> String {
        text.count <= textCharacters ? text : String(text.prefix(max(0, textCharacters - 1))) + "…"
    }
}
