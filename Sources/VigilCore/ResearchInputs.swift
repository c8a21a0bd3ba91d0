#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An IP address seen at a moment, the input of the subscriber check.
public struct IPObservation: Sendable, Hashable, Codable {
    /// IPv4 or IPv6 text.
    public var ipAddress: String
    /// When the address was in use (always with a time zone at intake).
    public var at: Date
    /// The source port, when known.
    public var port: Int?

    /// Creates an observation.
    public init(ipAddress: String, at: Date, port: Int?) {
        self.ipAddress = ipAddress
        self.at = at
        self.port = port
    }
}

/// Whether a resolved address is where the connection is installed or where the bill goes.
public enum AddressType: String, Sendable, Codable, CaseIterable {
    case installation
    case billing

}

/// A postal address, the input of address-based checks.
public struct PostalAddress: Sendable, Hashable, Codable {
    /// First line.
    public var line1: String
    /// Town, when known.
    public var town: String?
    /// Postcode.
    public var postcode: String
    /// Installation or billing, when known.
    public var addressType: AddressType?

    /// Creates an address.
    public init(line1: String, town: String?, postcode: String, addressType: AddressType?) {
        self.line1 = line1
        self.town = town
        self.postcode = postcode
        self.addressType = addressType
    }

    /// The link key of this address when it is an installation address.
    public var installationLinkKey: LinkKey? {
        addressType == .installation ? LinkKey.installationAddress(postcode: postcode, line1: line1) : nil
    }
}

/// An identified person, the input of person-based checks.
public struct PersonIdentity: Sendable, Hashable, Codable {
    /// Full name.
    public var name: String
    /// `YYYY-MM-DD`, when known.
    public var dateOfBirth: String?

    /// Creates a person.
    public init(name: String, dateOfBirth: String?) {
        self.name = name
        self.dateOfBirth = dateOfBirth
    }
}

/// Online identifiers, the input of identifier checks.
public struct Identifiers: Sendable, Hashable, Codable {
    /// Email addresses.
    public var emails: [String]
    /// Phone numbers.
    public var phones: [String]
    /// Screen names and user names.
    public var usernames: [String]

    /// Creates identifiers.
    public init(emails: [String] = [], phones: [String] = [], usernames: [String] = []) {
        self.emails = emails
        self.phones = phones
        self.usernames = usernames
    }

    /// True when there is nothing to look up.
    public var isEmpty: Bool { emails.isEmpty && phones.isEmpty && usernames.isEmpty }
}

/// Everything research can start from.
public struct ResearchInputs: Sendable, Hashable, Codable {
    /// IP addresses with their timestamps.
    public var ips: [IPObservation]
    /// Known addresses.
    public var addresses: [PostalAddress]
    /// Identified persons.
    public var persons: [PersonIdentity]
    /// Online identifiers.
    public var identifiers: Identifiers

    /// Creates research inputs.
    public init(
        ips: [IPObservation] = [], addresses: [PostalAddress] = [], persons: [PersonIdentity] = [],
        identifiers: Identifiers = Identifiers()
    ) {
        self.ips = ips
        self.addresses = addresses
        self.persons = persons
        self.identifiers = identifiers
    }
}
