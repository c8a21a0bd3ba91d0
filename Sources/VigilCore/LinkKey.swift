/// A strong identifier by which a new referral joins an open case.
public struct LinkKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The normalised key, e.g. `email:sam@example.org`.
    public let rawValue: String

    /// Wraps a stored key.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: LinkKey, rhs: LinkKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// An ESP account: service and user id, both as given (the service case-folded).
    public static func espAccount(service: String, userId: String) -> LinkKey? {
        let service = trimmed(service).lowercased()
        let user = trimmed(userId)
        guard !service.isEmpty, !user.isEmpty else { return nil }
        return LinkKey(rawValue: "esp:\(service):\(user)")
    }

    /// An email address, lower-cased.
    public static func email(_ address: String) -> LinkKey? {
        let value = trimmed(address).lowercased()
        return value.isEmpty ? nil : LinkKey(rawValue: "email:\(value)")
    }

    /// A phone number: digits only, a leading `0` replaced by `44`.
    public static func phone(_ number: String) -> LinkKey? {
        var digits = String(number.filter { $0.isASCII && $0.isNumber })
        if digits.hasPrefix("0") { digits = "44" + digits.dropFirst() }
        return digits.isEmpty ? nil : LinkKey(rawValue: "phone:\(digits)")
    }

    /// A P2P client on a network.
    public static func p2pClient(network: String, clientId: String) -> LinkKey? {
        let client = trimmed(clientId)
        return client.isEmpty ? nil : LinkKey(rawValue: "p2p:\(network.lowercased()):\(client)")
    }

    /// A device identifier (`deviceId` of a CyberTipline report): its type case-folded, its value as given.
    public static func device(type: String, value: String) -> LinkKey? {
        let kind = trimmed(type).lowercased()
        let identifier = trimmed(value)
        guard !kind.isEmpty, !identifier.isEmpty else { return nil }
        return LinkKey(rawValue: "device:\(kind):\(identifier)")
    }

    /// A resolved installation address: normalised postcode and first line.
    public static func installationAddress(postcode: String, line1: String) -> LinkKey? {
        let post = normalisedPostcode(postcode)
        let line = words(line1)
        guard !post.isEmpty, !line.isEmpty else { return nil }
        return LinkKey(rawValue: "address:\(post)|\(line)")
    }

    /// A postcode upper-cased without spaces. ASCII text (nearly every postcode) is done byte by byte,
    /// with the same result as the general path, which works on characters: this runs for every imported address.
    public static func normalisedPostcode(_ postcode: String) -> String {
        guard postcode.utf8.allSatisfy({ $0 < 0x80 }) else { return postcode.uppercased().filter { !$0.isWhitespace } }
        var out: [UInt8] = []
        out.reserveCapacity(postcode.utf8.count)
        for byte in postcode.utf8 where byte != 0x20 && !(0x09...0x0D).contains(byte) {
            out.append((0x61...0x7A).contains(byte) ? byte - 0x20 : byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` lower-cased, its runs of letters and digits joined by single spaces. ASCII text is done
    /// byte by byte, with the same result as the general path.
    public static func words(_ text: String) -> String {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var separated = false
        for byte in text.utf8 {
            let lower = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            guard (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) else {
                separated = true
                continue
            }
            if separated && !out.isEmpty { out.append(0x20) }
            separated = false
            out.append(lower)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return first == text.startIndex && last == text.index(before: text.endIndex) ? text : String(text[first...last])
    }
}
