/// One XML element read whole: its name, attributes, child elements and text, with the line it starts on
/// and the document it came from, so that every error can name its file, line and element path.
public struct MarkupElement: Sendable {
    /// The element's name (no namespaces: the CyberTipline XML has none).
    public var name: String
    /// Its attributes in document order.
    public var attributes: [(name: String, value: String)]
    /// Its child elements in document order.
    public var children: [MarkupElement]
    /// Its character data (text and CDATA) joined, white space kept.
    public var text: String
    /// The line its start tag is on.
    public var line: Int
    /// The file it was read from, when that is not the batch file itself (a report directory's documents).
    public var document: String?

    /// Creates an element.
    public init(
        name: String, attributes: [(name: String, value: String)] = [], children: [MarkupElement] = [], text: String = "",
        line: Int, document: String? = nil
    ) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
        self.document = document
    }

    /// The value of attribute `name`, nil when absent.
    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The child elements called `name`.
    public func all(_ name: String) -> [MarkupElement] { children.filter { $0.name == name } }

    /// The first child element called `name`.
    public func first(_ name: String) -> MarkupElement? { children.first { $0.name == name } }

    /// The text with white space trimmed at both ends.
    public var trimmedText: String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Where the element stands, for a message: `line 12` or `file-details-1.xml line 12`.
    public var place: String { document.map { "\($0) line \(line)" } ?? "line \(line)" }

    /// A canonical text of the element: names, attributes sorted by name, trimmed text, children in order;
    /// the same content always gives the same text, whatever its layout, quoting or white space.
    public var canonicalText: String {
        var out = ""
        writeCanonical(into: &out)
        return out
    }

    private func writeCanonical(into out: inout String) {
        out += "<\(name)"
        for attribute in attributes.sorted(by: { $0.name < $1.name }) {
            out += " \(attribute.name)=\(attribute.value.debugDescription)"
        }
        out += ">"
        let content = trimmedText
        if !content.isEmpty { out += content.debugDescription }
        for child in children { child.writeCanonical(into: &out) }
        out += "</\(name)>"
    }
}
