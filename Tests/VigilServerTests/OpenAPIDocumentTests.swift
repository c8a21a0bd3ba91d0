import Foundation
import Hummingbird
import Testing
import VigilCore
import VigilServer
import VigilSQLite
import VigilStore
import VigilTesting

@Suite("the OpenAPI document")
struct OpenAPIDocumentTests {
    /// `METHOD /path` of every operation in the document.
    func documentedOperations() throws -> Set<String> {
        let text = String(decoding: try VigilAPI.openAPIDocument(), as: UTF8.self)
        var operations = Set<String>()
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                ["get:", "post:", "put:", "delete:", "patch:"].contains(line.trimmingCharacters(in: .whitespaces))
            {
                operations.insert("\(line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test("every API route the server answers is documented, and every documented operation is served (the HTML dashboard is not API)")
    func matchesRoutes() throws {
        let temporary = try TemporaryFolder(prefix: "vigil-openapi")
        defer { temporary.remove() }
        let folder = temporary.url
        let store = try SQLiteStore(path: folder.appendingPathComponent("o.sqlite").path)
        let routes = Set(
            try VigilAPI.router(store: store, sources: []).routes
                .filter { $0.path.description.hasPrefix("/api/") || ["/healthz", "/metrics"].contains($0.path.description) }
                .map { "\($0.method) \($0.path)" })
        let documented = try documentedOperations()
        #expect(documented.count >= 13)
        #expect(
            routes == documented,
            "served but undocumented: \(routes.subtracting(documented)); documented but not served: \(documented.subtracting(routes))")
    }

    @Test("docs/openapi.yaml is the document the server serves")
    func sameFile() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        #expect(try Data(contentsOf: docs) == VigilAPI.openAPIDocument())
    }
}
