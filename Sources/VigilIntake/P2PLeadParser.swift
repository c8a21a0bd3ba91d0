#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// Turns one P2P detection lead (FORMATS.md §2) into a `Referral`, or every field error it has.
public enum P2PLeadParser {
    /// The networks a lead may name.
    public static let networks = ["BitTorrent", "Gnutella", "eD2k", "Freenet", "Other"]

    /// Parses and validates a lead imported at `now` (from JSON, or a CSV row turned into an object of strings).
    public static func parse(_ record: JSONValue, now: Date) -> Result<Referral, IntakeRejection> {
        guard case .object = record else {
            return .failure(IntakeRejection(errors: [FieldError(field: "", message: "a lead must be a JSON object")]))
        }
        var reader = FieldReader(now: now)
        let leadId = reader.reference(record, "leadId")
        _ = reader.string(record, "tool", at: "tool", required: true)
        let network = reader.choice(record, "network", at: "network", from: networks, required: true)
        let detectedAt = reader.timestamp(record, "detectedAt", at: "detectedAt", required: true)
        let ip = reader.ipAddress(record, "ipAddress", at: "ipAddress", required: true)
        let port = reader.integer(record, "port", at: "port", in: 1...65535)
        let clientId = reader.identifier(record, "clientId", at: "clientId")
        let firstSeen = reader.timestamp(record, "firstSeen", at: "firstSeen", required: true)
        let lastSeen = reader.timestamp(record, "lastSeen", at: "lastSeen", required: true)
        for counter in ["observationCount", "knownFileCount", "categoryACount"] {
            _ = reader.integer(record, counter, at: counter, in: 0...Int.max)
        }
        for text in ["country", "region", "isp"] { _ = reader.string(record, text, at: text) }
        _ = reader.date(record, "geoAsOf", at: "geoAsOf")
        if let firstSeen, let lastSeen, firstSeen > lastSeen {
            reader.fail("firstSeen", "must not be after lastSeen")
        }
        if let lastSeen, let detectedAt, lastSeen > detectedAt {
            reader.fail("lastSeen", "must not be after detectedAt")
        }
        guard reader.errors.isEmpty, let leadId, let network, let detectedAt, let ip, let lastSeen else {
            return .failure(IntakeRejection(errors: reader.errors))
        }
        let links = clientId.flatMap { LinkKey.p2pClient(network: network, clientId: $0) }.map { [$0] } ?? []
        return .success(
            Referral(
                source: .p2p, ref: leadId, receivedAt: detectedAt,
                observations: [
                    FactObservation(
                        fact: .distribution, value: true, provenance: .referral, at: detectedAt,
                        about: .account("\(network) client \(clientId ?? "at \(ip)")"))
                ],
                children: [], linkKeys: links,
                research: ResearchInputs(ips: [IPObservation(ipAddress: ip, at: lastSeen, port: port)])
            ))
    }
}
