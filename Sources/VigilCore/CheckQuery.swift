#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The query of one check, FORMATS.md §4 `query` (`{"ip": {…}}`, `{"address": {…}}`, …).
public enum CheckQuery: Sendable, Hashable {
    case ip(IPObservation)
    case address(PostalAddress)
    case person(PersonIdentity)
    case identifiers(Identifiers)

    /// The query as canonical JSON text (keys sorted, timestamps RFC 3339 UTC): what is sent to the
    /// source, and with the source what makes a check unique within its case. Written by hand into one
    /// buffer, members in sorted key order, because it is built for every planned check on the import path.
    public var jsonText: String {
        var object = JSONText.ObjectWriter()
        switch self {
        case .ip(let observation):
            object.open("ip")
            object.string("at", Timestamp.format(observation.at))
            object.string("ipAddress", observation.ipAddress)
            object.number("port", observation.port)
        case .address(let address):
            object.open("address")
            object.string("line1", address.line1)
            object.string("postcode", address.postcode)
            object.string("town", address.town)
        case .person(let person):
            object.open("person")
            object.string("dateOfBirth", person.dateOfBirth)
            object.string("name", person.name)
        case .identifiers(let identifiers):
            object.open("identifiers")
            object.strings("emails", identifiers.emails)
            object.strings("phones", identifiers.phones)
            object.strings("usernames", identifiers.usernames)
        }
        return object.close()
    }

    /// The address or person a check asked about, read back from its query text; nil for an IP query (its
    /// answer says where) and for text that is no query.
    public static func subject(ofQueryText text: String) -> Subject? {
        guard let query = try? JSONDecoder().decode(StoredQuery.self, from: Data(text.utf8)) else { return nil }
        if let address = query.address {
            return .address(PostalAddress(line1: address.line1, town: address.town, postcode: address.postcode, addressType: nil))
        }
        if let person = query.person { return .person(PersonIdentity(name: person.name, dateOfBirth: person.dateOfBirth)) }
        if let identifiers = query.identifiers {
            let all = (identifiers.emails ?? []) + (identifiers.phones ?? []) + (identifiers.usernames ?? [])
            return all.isEmpty ? nil : .account(all.joined(separator: " / "))
        }
        return nil
    }

    /// The members of a stored query that name a subject.
    private struct StoredQuery: Decodable {
        struct Address: Decodable {
            var line1: String
            var town: String?
            var postcode: String
        }
        struct Person: Decodable {
            var name: String
            var dateOfBirth: String?
        }
        struct Identifiers: Decodable {
            var emails: [String]?
            var phones: [String]?
            var usernames: [String]?
        }
        var address: Address?
        var person: Person?
        var identifiers: Identifiers?
    }
}
