#if canImport(FoundationXML)
import Foundation
import FoundationXML
#else
import Foundation
#endif

/// Reads one XML fragment (a record of an XML batch, or a whole document) into a `MarkupElement` tree with
/// libxml2, through Foundation's `XMLParser`. External entities are never loaded, a record is parsed
/// without the batch's prolog, so no entity declared there can expand inside it, and elements nested deeper
/// than `maximumDepth` stop the parse (the tree and everything that walks it recurse, one frame a level).
public enum MarkupTreeBuilder {
    /// The deepest nesting read: NCMEC's deepest path is seven elements, so 64 leaves room and keeps a
    /// hostile record from exhausting the stack.
    public static let maximumDepth = 64

    /// Why a fragment is not well-formed XML, with the file's line.
    public struct Failure: Error, Sendable {
        /// libxml2's reason, in words.
        public var message: String
        /// The line (in the batch file, or in `document`) where the parser stopped.
        public var line: Int
    }

    /// The root element of `bytes`, whose first line is the file's `firstLine`; `document` names the file
    /// when it is not the batch file itself.
    public static func parse(_ bytes: ArraySlice<UInt8>, firstLine: Int = 1, document: String? = nil) -> Result<MarkupElement, Failure> {
        if let refused = refusedMarkup(bytes) {
            return .failure(Failure(message: refused.message, line: firstLine + refused.lineOffset))
        }
        let collector = Collector(firstLine: firstLine, document: document)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        let wellFormed = parser.parse()
        if let failure = collector.failure { return .failure(failure) }
        guard wellFormed, let root = collector.root else {
            let line = firstLine + max(parser.lineNumber, 1) - 1
            let code = (parser.parserError as NSError?)?.code
            return .failure(Failure(message: "not well-formed XML" + (code.map { " (libxml2 error \($0))" } ?? ""), line: line))
        }
        return .success(root)
    }

    /// Markup CyberTipline XML never holds and that must not reach the parser: a processing instruction
    /// (Foundation's handler of one without data reads a null pointer and crashes the process; found by
    /// fuzzing) and a DOCTYPE or other declaration (its entities could expand without bound). Only the XML
    /// declaration that may open a document passes; comments and CDATA sections are skipped over. Returns
    /// the reason and how many lines into `bytes` the markup stands.
    static func refusedMarkup(_ bytes: ArraySlice<UInt8>) -> (message: String, lineOffset: Int)? {
        let open = UInt8(ascii: "<")
        var index = bytes.startIndex
        var sawMarkup = false
        func starts(_ text: String, at position: Int) -> Bool { bytes[position...].starts(with: text.utf8) }
        func skip(to terminator: String, from position: Int) -> Int {
            var at = position
            while at < bytes.endIndex, !starts(terminator, at: at) { at += 1 }
            return min(at + terminator.utf8.count, bytes.endIndex)
        }
        func lineOffset(_ position: Int) -> Int { bytes[bytes.startIndex..<position].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        while let found = bytes[index...].firstIndex(of: open) {
            if starts("<!--", at: found) {
                index = skip(to: "-->", from: found + 4)
            } else if starts("<![CDATA[", at: found) {
                index = skip(to: "]]>", from: found + 9)
            } else if starts("<?", at: found) {
                let declaration =
                    !sawMarkup && starts("<?xml", at: found) && found + 5 < bytes.endIndex && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[found + 5])
                guard declaration else { return ("a processing instruction is not accepted in CyberTipline XML", lineOffset(found)) }
                index = skip(to: "?>", from: found + 2)
            } else if starts("<!", at: found) {
                return ("a DOCTYPE or other declaration is not accepted in CyberTipline XML", lineOffset(found))
            } else {
                index = found + 1
            }
            sawMarkup = true
        }
        return nil
    }

    /// The parser's delegate: a stack of open elements, the finished root, and the first error.
    private final class Collector: NSObject, XMLParserDelegate {
        let firstLine: Int
        let document: String?
        var stack: [MarkupElement] = []
        var root: MarkupElement?
        var failure: Failure?

        init(firstLine: Int, document: String?) {
            self.firstLine = firstLine
            self.document = document
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            guard root == nil else {
                fail(parser, "more than one root element: <\(elementName)> follows the first")
                return
            }
            guard stack.count < MarkupTreeBuilder.maximumDepth else {
                fail(parser, "XML elements nested more than \(MarkupTreeBuilder.maximumDepth) deep")
                return
            }
            let line = firstLine + max(parser.lineNumber, 1) - 1
            let sorted = attributes.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
            stack.append(MarkupElement(name: elementName, attributes: sorted, line: line, document: document))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let finished = stack.popLast() else { return }
            if stack.isEmpty {
                root = finished
            } else {
                stack[stack.count - 1].children.append(finished)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            let code = (parseError as NSError).code
            fail(parser, "not well-formed XML (libxml2 error \(code)\(Self.reasons[code].map { ": \($0)" } ?? ""))")
        }

        private func fail(_ parser: XMLParser, _ message: String) {
            guard failure == nil else { return }
            failure = Failure(message: message, line: firstLine + max(parser.lineNumber, 1) - 1)
            parser.abortParsing()
        }

        /// libxml2's commonest error codes in words (Foundation passes the code, not libxml2's message).
        static let reasons: [Int: String] = [
            4: "the document is empty or not XML", 5: "the document ends early", 9: "an invalid character",
            23: "an unterminated entity reference", 26: "an undefined entity", 38: "a '<' inside an attribute value",
            39: "an attribute without a value", 41: "an attribute is not closed", 68: "a name was expected",
            73: "a '>' was expected", 76: "an end tag does not match its start tag", 77: "an end tag was expected",
            5_000: "the parse was stopped",
        ]
    }
}
