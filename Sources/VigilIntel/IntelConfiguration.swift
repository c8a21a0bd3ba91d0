public import Foundation
public import VigilCore

/// The intelligence source configuration file (`Samples/intel-sources.json`):
/// `{"sources": [{"name", "url", "needs", "yields", "timeoutMs"?, "connectTimeoutMs"?, "maxAttempts"?,
/// "backoffBaseMs"?, "backoffMaxMs"?, "slowRetries"?, "slowRetryMs"?, "proxy"?, "maxChildren"?, "maxPersons"?,
/// "maxTextCharacters"?}]}`; without `slowRetries` a source retries hourly for a day after its quick attempts.
public enum IntelConfiguration {
    private struct File: Decodable {
        struct Source: Decodable {
            var name: String
            var url: String
            var needs: String
            var yields: [String]
            var timeoutMs: Int?
            var connectTimeoutMs: Int?
            var maxAttempts: Int?
            var backoffBaseMs: Int?
            var backoffMaxMs: Int?
            var slowRetries: Int?
            var slowRetryMs: Int?
            var proxy: String?
            var maxChildren: Int?
            var maxPersons: Int?
            var maxTextCharacters: Int?
        }

        var sources: [Source]
    }

    /// A configuration file that cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// Reads and validates a configuration.
    public static func load(_ data: Data) throws -> [IntelSourceSpec] {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw Problem(description: "not a valid source configuration: \(error)")
        }
        let defaults = IntelSourceSpec(name: "", url: "", needs: .ip, yields: [])
        var names = Set<String>()
        return try file.sources.map { source in
            guard !source.name.isEmpty, source.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw Problem(description: "source name '\(source.name)' must be letters, digits, '-', '_' or '.'")
            }
            guard names.insert(source.name).inserted else { throw Problem(description: "source '\(source.name)' appears twice") }
            guard let needs = CheckNeed(name: source.needs) else {
                throw Problem(description: "source '\(source.name)': needs must be one of ip, address, person, identifiers")
            }
            guard source.url.lowercased().hasPrefix("http://") || source.url.lowercased().hasPrefix("https://") else {
                throw Problem(description: "source '\(source.name)': url must be http:// or https://")
            }
            let standard = AnswerLimits.standard
            let limits = AnswerLimits(
                children: source.maxChildren ?? standard.children, persons: source.maxPersons ?? standard.persons,
                textCharacters: source.maxTextCharacters ?? standard.textCharacters)
            guard limits.children >= 0, limits.persons >= 0, limits.textCharacters >= 16 else {
                throw Problem(description: "source '\(source.name)': maxChildren and maxPersons must be 0 or more, maxTextCharacters 16 or more")
            }
            let slowRetries = source.slowRetries ?? IntelSourceSpec.standardSlowRetries
            let slowRetryMs = source.slowRetryMs ?? defaults.slowRetryMs
            guard (0...1000).contains(slowRetries), slowRetryMs >= 1 else {
                throw Problem(description: "source '\(source.name)': slowRetries must be 0–1000 and slowRetryMs at least 1")
            }
            if let proxy = source.proxy, !(proxy.lowercased().hasPrefix("http://") || proxy.lowercased().hasPrefix("https://")) {
                throw Problem(description: "source '\(source.name)': proxy must be an http:// or https:// URL")
            }
            return IntelSourceSpec(
                name: source.name, url: source.url, needs: needs, yields: source.yields,
                timeoutMs: source.timeoutMs ?? defaults.timeoutMs, connectTimeoutMs: source.connectTimeoutMs ?? defaults.connectTimeoutMs,
                maxAttempts: max(1, source.maxAttempts ?? defaults.maxAttempts), backoffBaseMs: source.backoffBaseMs ?? defaults.backoffBaseMs,
                backoffMaxMs: source.backoffMaxMs ?? defaults.backoffMaxMs, slowRetries: slowRetries, slowRetryMs: slowRetryMs,
                proxy: source.proxy, limits: limits)
        }
    }
}
