public import Foundation
import VigilCore
public import VigilIntake

/// A CyberTipline report stored as NCMEC's separate documents (docs/CYBERTIP-XML.md): a directory holding
/// `report.xml`, any `file-details-*.xml`, optionally `report-response.xml` (the submit answer, with the
/// report id) and `envelope.xml` (an empty `<ncaReferral reportId=… disseminatedAt=…/>`), or a directory of
/// such directories. Each report becomes one record of the stream layout, stored as its payload, with its
/// errors naming the document and line they stand on.
public struct CybertipDirectory: Sendable {
    /// The directory given.
    public let path: String
    /// The received time of reports whose envelope gives none (`vigil import --received-at`).
    public let receivedAt: Date?

    /// The reports under `path`, received at `receivedAt` unless their envelope says otherwise.
    public init(path: String, receivedAt: Date?) {
        self.path = path
        self.receivedAt = receivedAt
    }

    /// Whether `path` is a directory (a report directory or a directory of them) rather than a batch file.
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The report directories: `path` itself when it holds `report.xml`, else its subdirectories that do,
    /// in name order.
    public func reportDirectories() throws -> [String] {
        let manager = FileManager.default
        if manager.fileExists(atPath: "\(path)/report.xml") { return [path] }
        return try manager.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" }.filter {
            manager.fileExists(atPath: "\($0)/report.xml")
        }
    }

    /// The reports as batches of up to `size` records, read one directory at a time.
    public func batches(size: Int, now: Date) throws -> some Sequence<Batch> {
        let directories = try reportDirectories()
        return stride(from: 0, to: directories.count, by: size).lazy.map { start in
            Batch(records: directories[start..<min(start + size, directories.count)].map { record(directory: $0, now: now) })
        }
    }

    /// One report directory as a record: its documents read and joined under one `<ncaReferral>`.
    func record(directory: String, now: Date) -> IntakeRecord {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("file-details") && $0.hasSuffix(".xml") }
            .sorted { ($0.count, $0) < ($1.count, $1) }
        var envelope = MarkupElement(name: CybertipXMLParser.recordName, line: 1, document: "\(directory)/envelope.xml")
        var raw = ""
        var documents: [MarkupElement] = []
        for name in ["envelope.xml", "report.xml", "report-response.xml"] + names {
            let file = "\(directory)/\(name)"
            guard let data = manager.contents(atPath: file) else { continue }
            let bytes = Array(data)
            switch MarkupTreeBuilder.parse(bytes[...], document: file) {
            case .failure(let failure):
                let error = FieldError(field: "", message: "\(file) line \(failure.line): \(failure.message)")
                return IntakeRecord(line: 1, ref: nil, result: .failure(IntakeRejection(errors: [error])))
            case .success(let element) where name == "envelope.xml":
                envelope.attributes = element.attributes
            case .success(let element):
                documents.append(element)
                raw += Self.withoutDeclaration(String(decoding: bytes, as: UTF8.self)) + "\n"
            }
        }
        if envelope[attribute: "disseminatedAt"] == nil, let receivedAt {
            envelope.attributes.append((name: "disseminatedAt", value: Timestamp.format(receivedAt)))
        }
        envelope.children = documents
        let attributes = envelope.attributes.map { " \($0.name)=\"\(Self.escaped($0.value))\"" }.joined()
        return BatchReader.xmlRecord(envelope, raw: "<\(envelope.name)\(attributes)>\n\(raw)</\(envelope.name)>", line: 1, now: now)
    }

    /// A document's text after its XML declaration, so that documents join into one record.
    private static func withoutDeclaration(_ text: String) -> String {
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        return String(text[end.upperBound...].drop(while: \.isNewline))
    }

    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
