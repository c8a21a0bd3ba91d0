/// The query of one check, FORMATS.md §4 `query` (`{"ip": {…}}`, `{"address": {…}}`, …).
public enum CheckQuery: Sendable, Hashable {
    case ip(IPObservation)
    case address(PostalAddress)
    case person(PersonIdentity)
    case identifiers(Identifiers)

    /// The query as canonical JSON text (keys sorted, timestamps RFC 3339 UTC): what is sent to the
    /// source, and with the source what makes a check unique within its case. Written by hand because
    /// it is built for every planned check on the import path.
    public var jsonText: String {
        let string = { (text: String?) in text.map(JSONText.string) }
        switch self {
        case .ip(let observation):
            return JSONText.object([("ip", JSONText.object([
                ("ipAddress", string(observation.ipAddress)), ("at", string(Timestamp.format(observation.at))),
                ("port", observation.port.map(String.init)),
            ]))])
        case .address(let address):
            return JSONText.object([("address", JSONText.object([
                ("line1", string(address.line1)), ("town", string(address.town)), ("postcode", string(address.postcode)),
            ]))])
        case .person(let person):
            return JSONText.object([("person", JSONText.object([
                ("name", string(person.name)), ("dateOfBirth", string(person.dateOfBirth)),
            ]))])
        case .identifiers(let identifiers):
            return JSONText.object([("identifiers", JSONText.object([
                ("emails", JSONText.strings(identifiers.emails)), ("phones", JSONText.strings(identifiers.phones)),
                ("usernames", JSONText.strings(identifiers.usernames)),
            ]))])
        }
    }
}
