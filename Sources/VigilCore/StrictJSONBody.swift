#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Decodes a request body strictly: a JSON object holding only the allowed members, each of the right
/// type. A member the caller misspelt is refused rather than ignored, so a mistyped field never passes as
/// "not given".
public enum StrictJSONBody {
    /// A body that is not an object of the allowed members.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the caller.
        public var description: String
    }

    /// Every member name of a JSON object.
    private struct MemberNames: Decodable {
        struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var names: [String]

        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: Name.self).allKeys.map(\.stringValue)
        }
    }

    /// `Body` from `data`: throws `Refusal` when the body is not a JSON object or names a member outside
    /// `allowed`, and the decoder's `DecodingError` when a member has the wrong type or a required one is
    /// missing.
    public static func decode<Body: Decodable>(_ type: Body.Type, from data: Data, allowed: Set<String>) throws -> Body {
        guard let members = try? JSONDecoder().decode(MemberNames.self, from: data) else {
            throw Refusal(description: "the body must be a JSON object")
        }
        let unknown = Set(members.names).subtracting(allowed)
        guard unknown.isEmpty else {
            throw Refusal(
                description: "unknown member(s) \(unknown.sorted().joined(separator: ", ")); allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return try JSONDecoder().decode(Body.self, from: data)
    }
}
