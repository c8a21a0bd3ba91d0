/// An address a source resolved for the case — where a subscriber's line is installed or where its bill
/// goes — as the NCA's package or a subscriber check gave it.
public struct CaseAddress: Sendable, Hashable, Codable {
    /// The address.
    public var address: Subject
    /// Installation or billing, when the source said.
    public var type: AddressType?
    /// Who gave it.
    public var provenance: Provenance

    /// Creates the value.
    public init(address: Subject, type: AddressType?, provenance: Provenance) {
        self.address = address
        self.type = type
        self.provenance = provenance
    }
}

/// What the case page says of one address: every source that gave it, whether it is only known as a
/// billing address (not where the device is), and whether it is corroborated — given by two different
/// sources.
public struct AddressStanding: Sendable, Hashable, Codable {
    /// The address as first given.
    public var address: Subject
    /// The sources that gave it, sorted.
    public var provenance: [Provenance]
    /// True when every source that typed it called it the billing address.
    public var billingOnly: Bool
    /// True when at least two different sources gave it.
    public var corroborated: Bool

    /// Creates the value.
    public init(address: Subject, provenance: [Provenance], billingOnly: Bool, corroborated: Bool) {
        self.address = address
        self.provenance = provenance
        self.billingOnly = billingOnly
        self.corroborated = corroborated
    }

    /// The addresses of a case, one per place (`Subject.groupKey`), in the order first given.
    public static func summarise(_ addresses: [CaseAddress]) -> [AddressStanding] {
        var order: [String] = []
        var byPlace: [String: [CaseAddress]] = [:]
        for address in addresses {
            let key = address.address.groupKey
            if byPlace[key] == nil { order.append(key) }
            byPlace[key, default: []].append(address)
        }
        return order.map { key in
            let given = byPlace[key]!
            let sources = Set(given.map(\.provenance)).sorted()
            let types = given.compactMap(\.type)
            return AddressStanding(
                address: given[0].address, provenance: sources, billingOnly: !types.isEmpty && types.allSatisfy { $0 == .billing },
                corroborated: sources.count >= 2)
        }
    }

    /// `12 Placeholder Close, Sampleford, ZZ1 1AA — billing, not where the device is; corroborated (referral, check:subscriber)`.
    public var text: String {
        var text = address.label
        if billingOnly { text += " — billing, not where the device is" }
        text += corroborated ? "; corroborated" : "; not corroborated"
        return text + " (\(provenance.map(\.rawValue).joined(separator: ", ")))"
    }
}
