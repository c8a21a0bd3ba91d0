public import Foundation
public import Logging
public import VigilCore

/// Turns a source's HTTP answer (FORMATS.md §4) into findings, or into the reason the attempt failed.
/// Nothing in an answer is trusted beyond what its source is configured to yield: other facts and members
/// are ignored (and logged), ages outside 0–17 and lists past the source's limits refuse the answer, and
/// text is cut to the limit.
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

    private struct NoRecordBody: Decodable {
        var noRecord: Bool
    }

    /// `200` with a body → findings; `404` with a JSON `{"noRecord": true}` body → every fact the source
    /// yields is `no`; any other 404 (a wrong path, a proxy's page), any other status, or a malformed or
    /// out-of-bounds body → the attempt failed (and will be retried). "Unknown" is never read as "no".
    public static func findings(
        _ response: CurlResponse, from source: IntelSourceSpec, at now: Date,
        logger: Logger? = nil
    ) -> Result<CheckFindings, TransferError> {
        switch response.status {
        case 200: return decode(response.body, from: source, at: now, logger: logger)
        case 404:
            guard isJSON(response.contentType),
                (try? JSONDecoder().decode(NoRecordBody.self, from: Data(response.body)))?.noRecord == true
            else {
                return .failure(TransferError(badAnswer, "HTTP 404 without the protocol's {\"noRecord\": true} JSON body (a wrong URL or a proxy?)"))
            }
            return .success(.noRecord(from: source, at: now))
        default: return .failure(TransferError(Self.badAnswer, "HTTP \(response.status)"))
        }
    }

    /// An answer that is not a usable FORMATS.md §4 answer.
    public static let badAnswer = TransferError.Code("badAnswer")

    private static func isJSON(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return type == "application/json" || type.hasSuffix("+json")
    }

    private static func decode(
        _ bytes: [UInt8], from source: IntelSourceSpec, at now: Date, logger: Logger?
    )
        -> Result<CheckFindings, TransferError>
    {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(bytes))
        } catch {
            return .failure(TransferError(badAnswer, "malformed answer: \(error)"))
        }
        let limits = source.limits
        let yields = Set(source.yields)
        var ignored: [String] = []
        func accepts(_ member: String, present: Bool) -> Bool {
            if present, !yields.contains(member) { ignored.append(member) }
            return present && yields.contains(member)
        }
        let provenance = Provenance.check(source.name)
        var findings = CheckFindings(summary: body.summary.map(limits.clipped))
        for (name, value) in (body.facts ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let fact = FactKind(name: name), yields.contains(fact.rawValue) else {
                ignored.append("facts.\(name)")
                continue
            }
            switch value.lowercased() {
            case "yes": findings.observations.append(FactObservation(fact: fact, value: true, provenance: provenance, at: now))
            case "no": findings.observations.append(FactObservation(fact: fact, value: false, provenance: provenance, at: now))
            case "unknown": continue
            default: return .failure(TransferError(badAnswer, "fact '\(limits.clipped(name))' is '\(limits.clipped(value))', not yes or no"))
            }
        }
        if let address = body.address, accepts("address", present: true) {
            guard let line1 = address.line1, let postcode = address.postcode, !line1.isEmpty, !postcode.isEmpty else {
                return .failure(TransferError(badAnswer, "an address needs line1 and postcode"))
            }
            findings.address = PostalAddress(
                line1: limits.clipped(line1), town: address.town.map(limits.clipped),
                postcode: limits.clipped(postcode),
                addressType: address.addressType.flatMap(AddressType.init(name:)))
        }
        if let persons = body.persons, accepts("persons", present: !persons.isEmpty) {
            guard persons.count <= limits.persons else {
                return .failure(TransferError(badAnswer, "the answer lists \(persons.count) persons; at most \(limits.persons) are accepted"))
            }
            for person in persons {
                if let date = person.dateOfBirth, !Timestamp.isCalendarDate(date) {
                    return .failure(TransferError(badAnswer, "dateOfBirth '\(limits.clipped(date))' is not a date YYYY-MM-DD"))
                }
                guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                    return .failure(TransferError(badAnswer, "a person needs a name"))
                }
            }
            findings.persons = persons.map { PersonIdentity(name: limits.clipped($0.name), dateOfBirth: $0.dateOfBirth) }
        }
        if let children = body.children, accepts("children", present: !children.isEmpty) {
            guard children.count <= limits.children else {
                return .failure(TransferError(badAnswer, "the answer lists \(children.count) children; at most \(limits.children) are accepted"))
            }
            for child in children {
                guard let relation = child.relation.map(ChildRelation.init(name:)) ?? .household else {
                    return .failure(TransferError(badAnswer, "unknown child relation '\(limits.clipped(child.relation ?? ""))'"))
                }
                if let age = child.age, !(0...17).contains(age) {
                    return .failure(TransferError(badAnswer, "a child's age is \(age); ages are 0 to 17"))
                }
                findings.children.append(Child(age: child.age, relation: relation, provenance: provenance))
            }
        }
        if let occupation = body.occupation, accepts("occupation", present: true) {
            if let works = occupation.worksWithChildren, yields.contains(FactKind.childAccessOccupation.rawValue) {
                findings.observations.append(FactObservation(fact: .childAccessOccupation, value: works, provenance: provenance, at: now))
            }
            if let title = occupation.title, findings.summary == nil { findings.summary = limits.clipped("occupation: \(title)") }
        }
        if !ignored.isEmpty {
            logger?.warning("source \(source.name) answered with \(ignored.joined(separator: ", ")), which it is not configured to yield; ignored")
        }
        return .success(findings)
    }
}
