import Foundation
import VigilCore

/// Turns a source's HTTP answer (FORMATS.md §4) into findings, or into the reason the attempt failed.
public enum SourceAnswer {
    private struct Body: Decodable {
        struct Address: Decodable {
            var line1: String?
            var town: String?
            var postcode: String?
            var addressType: String?
        }

        struct ChildEntry: Decodable {
            var age: Int?
            var relation: String?
        }

        var facts: [String: String]?
        var address: Address?
        var persons: [PersonIdentity]?
        var children: [ChildEntry]?
        var occupation: Occupation?
        var summary: String?
    }

    /// `200` with a body → findings; `404` → every fact the source yields is `no`; anything else, or a
    /// malformed body → the attempt failed (and will be retried).
    public static func findings(_ response: CurlResponse, from source: IntelSourceSpec, at now: Date) -> Result<CheckFindings, TransferError> {
        switch response.status {
        case 200: return decode(response.body, from: source, at: now)
        case 404: return .success(.noRecord(from: source, at: now))
        default: return .failure(TransferError(Self.badAnswer, "HTTP \(response.status)"))
        }
    }

    /// An answer that is not a usable FORMATS.md §4 answer.
    public static let badAnswer = TransferError.Code("badAnswer")

    private static func decode(_ bytes: [UInt8], from source: IntelSourceSpec, at now: Date) -> Result<CheckFindings, TransferError> {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(bytes))
        } catch {
            return .failure(TransferError(badAnswer, "malformed answer: \(error)"))
        }
        let provenance = Provenance.check(source.name)
        var findings = CheckFindings(summary: body.summary)
        for (name, value) in body.facts ?? [:] {
            guard let fact = FactKind(name: name) else { return .failure(TransferError(badAnswer, "unknown fact '\(name)'")) }
            switch value.lowercased() {
            case "yes": findings.observations.append(FactObservation(fact: fact, value: true, provenance: provenance, at: now))
            case "no": findings.observations.append(FactObservation(fact: fact, value: false, provenance: provenance, at: now))
            case "unknown": continue
            default: return .failure(TransferError(badAnswer, "fact '\(name)' is '\(value)', not yes or no"))
            }
        }
        if let address = body.address {
            guard let line1 = address.line1, let postcode = address.postcode else {
                return .failure(TransferError(badAnswer, "an address needs line1 and postcode"))
            }
            findings.address = PostalAddress(line1: line1, town: address.town, postcode: postcode,
                                             addressType: address.addressType.flatMap(AddressType.init(name:)))
        }
        findings.persons = body.persons ?? []
        for child in body.children ?? [] {
            guard let relation = child.relation.map(ChildRelation.init(name:)) ?? .household else {
                return .failure(TransferError(badAnswer, "unknown child relation '\(child.relation ?? "")'"))
            }
            findings.children.append(Child(age: child.age, relation: relation, provenance: provenance))
        }
        if let works = body.occupation?.worksWithChildren {
            findings.observations.append(FactObservation(fact: .childAccessOccupation, value: works, provenance: provenance, at: now))
        }
        if let title = body.occupation?.title, findings.summary == nil { findings.summary = "occupation: \(title)" }
        return .success(findings)
    }
}
