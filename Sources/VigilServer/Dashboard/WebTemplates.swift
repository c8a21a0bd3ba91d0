import Foundation
import HTTPTypes
import Mustache

/// The dashboard's Mustache templates, bundled with the server (`Sources/VigilServer/Templates`).
struct WebTemplates: Sendable {
    private let library: MustacheLibrary

    /// Loads every `.mustache` file of the bundle's `Templates` folder, named by its file name.
    init() throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw APIError(.internalServerError, "internal", "the dashboard templates are missing from the build")
        }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            try library.register(try String(contentsOf: file, encoding: .utf8), named: file.deletingPathExtension().lastPathComponent)
        }
        self.library = library
    }

    /// The page `template` rendered with `view`.
    func render(_ view: Any, _ template: String) throws -> String {
        guard let text = library.render(view, withTemplate: template) else {
            throw APIError(.internalServerError, "internal", "no template named \(template)")
        }
        return text
    }
}
