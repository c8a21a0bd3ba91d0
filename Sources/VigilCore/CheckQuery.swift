#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The query of one check, encoded as FORMATS.md §4 `query` (`{"ip": {…}}`, `{"address": {…}}`, …).
public enum CheckQuery: Sendable, Hashable, Codable {
    case ip(IPObservation)
    case address(PostalAddress)
    case person(PersonIdentity)
    case identifiers(Identifiers)

    /// What kind of input the query carries.
    public var need: CheckNeed {
        switch self {
        case .ip: .ip
        case .address: .address
        case .person: .person
        case .identifiers: .identifiers
        }
    }

    private enum Key: String, CodingKey { case ip, address, person, identifiers }
    private enum IPKey: String, CodingKey { case ipAddress, at, port }
    private enum AddressKey: String, CodingKey { case line1, town, postcode }

    /// Encodes the wire form; timestamps as RFC 3339 text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .ip(let observation):
            var nested = container.nestedContainer(keyedBy: IPKey.self, forKey: .ip)
            try nested.encode(observation.ipAddress, forKey: .ipAddress)
            try nested.encode(Timestamp.format(observation.at), forKey: .at)
            try nested.encodeIfPresent(observation.port, forKey: .port)
        case .address(let address):
            var nested = container.nestedContainer(keyedBy: AddressKey.self, forKey: .address)
            try nested.encode(address.line1, forKey: .line1)
            try nested.encodeIfPresent(address.town, forKey: .town)
            try nested.encode(address.postcode, forKey: .postcode)
        case .person(let person): try container.encode(person, forKey: .person)
        case .identifiers(let identifiers): try container.encode(identifiers, forKey: .identifiers)
        }
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if container.contains(.ip) {
            let nested = try container.nestedContainer(keyedBy: IPKey.self, forKey: .ip)
            let text = try nested.decode(String.self, forKey: .at)
            guard case .success(let at) = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: .at, in: nested, debugDescription: "bad timestamp \(text)")
            }
            self = .ip(IPObservation(ipAddress: try nested.decode(String.self, forKey: .ipAddress), at: at,
                                     port: try nested.decodeIfPresent(Int.self, forKey: .port)))
        } else if container.contains(.address) {
            let nested = try container.nestedContainer(keyedBy: AddressKey.self, forKey: .address)
            self = .address(PostalAddress(line1: try nested.decode(String.self, forKey: .line1),
                                          town: try nested.decodeIfPresent(String.self, forKey: .town),
                                          postcode: try nested.decode(String.self, forKey: .postcode), addressType: nil))
        } else if container.contains(.person) {
            self = .person(try container.decode(PersonIdentity.self, forKey: .person))
        } else {
            self = .identifiers(try container.decode(Identifiers.self, forKey: .identifiers))
        }
    }
}
