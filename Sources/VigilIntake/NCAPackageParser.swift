#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// Turns one NCA referral package (FORMATS.md §1) into a `Referral`, or every field error it has.
public enum NCAPackageParser {
    static let enticement = "Online Enticement of Children for Sexual Acts"
    static let molestation = "Child Sexual Molestation"
    static let contactAnnotations: Set<String> = ["physicalharm", "livestreaming"]
    static let communicationAnnotations: Set<String> = ["sextortion", "csamsolicitation"]
    static let obsceneMaterial = "Unsolicited Obscene Material Sent to a Child"

    /// Parses and validates a package imported at `now` (times after a day past it are refused).
    public static func parse(_ record: JSONValue, now: Date) -> Result<Referral, IntakeRejection> {
        guard case .object = record else {
            return .failure(IntakeRejection(errors: [FieldError(field: "", message: "a package must be a JSON object")]))
        }
        var reader = FieldReader(now: now)
        let packageId = reader.reference(record, "packageId")
        let packageType = reader.choice(record, "packageType", at: "packageType", from: ["NOCAP", "CAR"], required: true)
        let receivedAt = reader.timestamp(record, "disseminatedAt", at: "disseminatedAt", required: true)
        let priority = reader.choice(record, "ncmecPriority", at: "ncmecPriority", from: ["1", "2", "3", "E"])
        let supplements = reader.reference(record, "supplements", required: false)
        let supplementary = reader.bool(record, "supplementary", at: "supplementary") == true
        if let supplements, supplements == packageId {
            reader.fail("supplements", "a package cannot supplement itself; to send more about the same package, set \"supplementary\": true")
        }
        if supplements != nil, supplementary {
            reader.fail("supplementary", "give either supplements (another package's id) or supplementary: true (this package id again), not both")
        }

        var facts = Set<FactKind>()
        var children: [Child] = []
        var links: [LinkKey] = []
        var research = ResearchInputs()
        if packageType == "CAR" || priority == "1" { facts.insert(.imminentDanger) }

        readSubscriber(record, &reader, &links, &research)
        readChildrenKnown(record, &reader, &facts, &children)
        let occupation = reader.object(record, "suspectOccupation", at: "suspectOccupation")
        _ = reader.string(occupation, "title", at: "suspectOccupation.title")
        if reader.bool(occupation, "worksWithChildren", at: "suspectOccupation.worksWithChildren") == true {
            facts.insert(.childAccessOccupation)
        }
        let counts = reader.object(record, "ukCategoryCounts", at: "ukCategoryCounts")
        for category in ["A", "B", "C"] {
            _ = reader.integer(counts, category, at: "ukCategoryCounts.\(category)", in: 0...Int.max)
        }
        var householdVictims = Set<Int>()
        readCybertip(record, &reader, &facts, &children, &links, &research, &householdVictims)

        guard reader.errors.isEmpty, let packageId, let receivedAt else { return .failure(IntakeRejection(errors: reader.errors)) }
        let subject = primarySubject(research)
        let home = research.addresses.first.map(Subject.address) ?? subject
        let observations = facts.sorted { $0.rawValue < $1.rawValue }.map {
            FactObservation(fact: $0, value: true, provenance: .referral, at: receivedAt, about: $0 == .childAccessHousehold ? home : subject)
        }
        for index in children.indices {
            children[index].about = children[index].relation == .household || householdVictims.contains(index) ? home : subject
        }
        return .success(
            Referral(
                source: .nca, ref: supplementary ? Referral.supplementaryRef(packageId, disseminatedAt: receivedAt) : packageId,
                receivedAt: receivedAt, observations: observations, children: children, linkKeys: links, research: research,
                supplements: supplementary ? packageId : supplements
            ))
    }

    /// Whom the package's facts are about: the first reported person with a date of birth, else the first
    /// person named, else the first online identifier. Its household children are placed at the
    /// subscriber's address when the package resolved one.
    private static func primarySubject(_ research: ResearchInputs) -> Subject? {
        if let person = research.persons.first(where: { $0.dateOfBirth != nil }) ?? research.persons.first { return .person(person) }
        let identifiers = research.identifiers
        return (identifiers.emails + identifiers.usernames + identifiers.phones).first.map(Subject.account)
    }

    private static func readSubscriber(
        _ record: JSONValue, _ reader: inout FieldReader, _ links: inout [LinkKey],
        _ research: inout ResearchInputs
    ) {
        guard let subscriber = reader.object(record, "subscriber", at: "subscriber") else { return }
        let ip = reader.ipAddress(subscriber, "ipAddress", at: "subscriber.ipAddress", required: true)
        let at = reader.timestamp(subscriber, "at", at: "subscriber.at", required: true)
        _ = reader.string(subscriber, "isp", at: "subscriber.isp")
        let type = reader.choice(
            subscriber, "addressType", at: "subscriber.addressType",
            from: AddressType.allCases.map(\.rawValue), required: true)
        let address = reader.object(subscriber, "address", at: "subscriber.address")
        let line1 = reader.string(address, "line1", at: "subscriber.address.line1")
        _ = reader.string(address, "line2", at: "subscriber.address.line2")
        let town = reader.string(address, "town", at: "subscriber.address.town")
        let postcode = reader.string(address, "postcode", at: "subscriber.address.postcode", required: address != nil)
        let name = reader.string(subscriber, "subscriberName", at: "subscriber.subscriberName")
        if let ip, let at { research.ips.append(IPObservation(ipAddress: ip, at: at, port: nil)) }
        if let postcode, let line1 {
            let resolved = PostalAddress(line1: line1, town: town, postcode: postcode, addressType: type.flatMap(AddressType.init(name:)))
            research.addresses.append(resolved)
            if let key = resolved.installationLinkKey { links.append(key) }
        }
        if let name, !name.isEmpty { research.persons.append(PersonIdentity(name: name, dateOfBirth: nil)) }
    }

    private static func readChildrenKnown(
        _ record: JSONValue, _ reader: inout FieldReader, _ facts: inout Set<FactKind>,
        _ children: inout [Child]
    ) {
        for (index, entry) in reader.array(record, "childrenKnown", at: "childrenKnown").enumerated() {
            let path = "childrenKnown[\(index)]"
            guard case .object = entry else {
                reader.fail(path, "must be an object {age, relation}")
                continue
            }
            let age = reader.integer(entry, "age", at: "\(path).age", in: 0...17)
            guard
                let name = reader.choice(
                    entry, "relation", at: "\(path).relation",
                    from: ChildRelation.allCases.map(\.rawValue), required: true),
                let relation = ChildRelation(name: name)
            else { continue }
            children.append(Child(age: age, relation: relation, provenance: .referral))
            facts.insert(relation.accessFact)
        }
    }

    private static func readCybertip(
        _ record: JSONValue, _ reader: inout FieldReader, _ facts: inout Set<FactKind>,
        _ children: inout [Child], _ links: inout [LinkKey], _ research: inout ResearchInputs, _ householdVictims: inout Set<Int>
    ) {
        guard let tip = reader.object(record, "cybertip", at: "cybertip", required: true) else { return }
        _ = reader.identifier(tip, "reportId", at: "cybertip.reportId", required: true)
        _ = reader.timestamp(tip, "dateReceived", at: "cybertip.dateReceived")
        readLawEnforcementFields(tip, &reader, &facts, &children)
        let info = reader.object(tip, "reportedInformation", at: "cybertip.reportedInformation", required: true)
        let infoPath = "cybertip.reportedInformation"
        _ = reader.string(
            reader.object(info, "reportingEsp", at: "\(infoPath).reportingEsp"), "espName",
            at: "\(infoPath).reportingEsp.espName")

        let summaryPath = "\(infoPath).incidentSummary"
        let summary = reader.object(info, "incidentSummary", at: summaryPath, required: info != nil)
        let incidentType = reader.string(summary, "incidentType", at: "\(summaryPath).incidentType", required: summary != nil)
        let incidentAt = reader.timestamp(summary, "incidentDateTime", at: "\(summaryPath).incidentDateTime")
        if let escalation = reader.string(summary, "escalateToHighPriority", at: "\(summaryPath).escalateToHighPriority"),
            !escalation.isEmpty
        {
            facts.insert(.imminentDanger)
        }
        let annotations = strings(
            reader.array(summary, "reportAnnotations", at: "\(summaryPath).reportAnnotations"),
            at: "\(summaryPath).reportAnnotations", &reader)
        if annotations.contains(where: { communicationAnnotations.contains($0.lowercased()) }) {
            facts.insert(.sexualCommunicationWithChild)
        }
        if let incidentType {
            if incidentType.lowercased() == molestation.lowercased() { facts.insert(.contactAbuseIndicators) }
            if incidentType.lowercased() == enticement.lowercased() || incidentType.lowercased() == obsceneMaterial.lowercased() {
                facts.insert(.sexualCommunicationWithChild)
            }
        }

        let peoplePath = "\(infoPath).reportedPeople.reportedPersons"
        let people = reader.object(info, "reportedPeople", at: "\(infoPath).reportedPeople")
        var suspects = SuspectKeys()
        for (index, person) in reader.array(people, "reportedPersons", at: peoplePath).enumerated() {
            readPerson(person, at: "\(peoplePath)[\(index)]", &reader, &facts, &links, &research, &suspects)
        }
        readVictims(
            info, at: "\(infoPath).victims", incidentAt: incidentAt ?? Date.distantPast, suspects, &reader, &facts, &children, &householdVictims)

        let recipientsPath = "\(infoPath).intendedRecipients.intendedRecipients"
        let recipients = reader.object(info, "intendedRecipients", at: "\(infoPath).intendedRecipients")
        for (index, recipient) in reader.array(recipients, "intendedRecipients", at: recipientsPath).enumerated() {
            let path = "\(recipientsPath)[\(index)]"
            let givenAge = reader.integer(recipient, "approximateAge", at: "\(path).approximateAge", in: 0...130)
            let birth = reader.date(recipient, "dateOfBirth", at: "\(path).dateOfBirth")
            let age = givenAge ?? birth.flatMap { date in incidentAt.flatMap { Timestamp.age(bornOn: date, at: $0) } }
            _ = reader.string(
                reader.object(recipient, "screenName", at: "\(path).screenName"), "value",
                at: "\(path).screenName.value")
            if let age, age < 18 {
                facts.formUnion([.identifiedChildVictim, .sexualCommunicationWithChild])
                children.append(Child(age: age, relation: .victim, provenance: .referral))
            }
        }

        let filesPath = "\(infoPath).uploadedFiles.uploadedFiles"
        let files = reader.object(info, "uploadedFiles", at: "\(infoPath).uploadedFiles")
        for (index, file) in reader.array(files, "uploadedFiles", at: filesPath).enumerated() {
            let path = "\(filesPath)[\(index)]"
            _ = reader.string(file, "filename", at: "\(path).filename")
            _ = reader.string(file, "verificationHash", at: "\(path).verificationHash")
            _ = reader.bool(file, "viewedByEsp", at: "\(path).viewedByEsp")
            if reader.bool(file, "publiclyAvailable", at: "\(path).publiclyAvailable") == true { facts.insert(.distribution) }
            _ = reader.choice(file, "industryClassification", at: "\(path).industryClassification", from: ["A1", "A2", "B1", "B2"])
            let fileAnnotations = strings(
                reader.array(file, "fileAnnotations", at: "\(path).fileAnnotations"),
                at: "\(path).fileAnnotations", &reader)
            if fileAnnotations.contains(where: { contactAnnotations.contains($0.lowercased()) }) {
                facts.insert(.contactAbuseIndicators)
            }
        }
    }

    private static func readPerson(
        _ person: JSONValue, at path: String, _ reader: inout FieldReader,
        _ facts: inout Set<FactKind>, _ links: inout [LinkKey], _ research: inout ResearchInputs, _ suspects: inout SuspectKeys
    ) {
        guard case .object = person else {
            reader.fail(path, "must be an object")
            return
        }
        let first = reader.string(person, "firstName", at: "\(path).firstName")
        let last = reader.string(person, "lastName", at: "\(path).lastName")
        let birth = reader.date(person, "dateOfBirth", at: "\(path).dateOfBirth")
        _ = reader.integer(person, "approximateAge", at: "\(path).approximateAge", in: 0...130)
        let service = reader.string(person, "espService", at: "\(path).espService")
        let userId = reader.identifier(person, "espUserId", at: "\(path).espUserId")
        let screenName = reader.string(
            reader.object(person, "screenName", at: "\(path).screenName"), "value",
            at: "\(path).screenName.value")
        if reader.bool(person, "accessToChildren", at: "\(path).accessToChildren") == true { facts.insert(.childAccessOther) }
        if reader.bool(person, "convictedSexOffender", at: "\(path).convictedSexOffender") == true {
            facts.insert(.sexualOffenceHistory)
        }
        if let service, let userId, let key = LinkKey.espAccount(service: service, userId: userId) { links.append(key) }
        if let userId { suspects.userIds.insert(userId) }
        let name = [first, last].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !name.isEmpty { research.persons.append(PersonIdentity(name: name, dateOfBirth: birth)) }
        if let screenName, !screenName.isEmpty { research.identifiers.usernames.append(screenName) }

        let emails = reader.object(person, "emails", at: "\(path).emails")
        for (index, entry) in reader.array(emails, "emails", at: "\(path).emails.emails").enumerated() {
            guard let email = reader.string(entry, "value", at: "\(path).emails.emails[\(index)].value", required: true) else { continue }
            research.identifiers.emails.append(email)
            if let key = LinkKey.email(email) { links.append(key) }
        }
        let phones = reader.object(person, "phones", at: "\(path).phones")
        for (index, entry) in reader.array(phones, "phones", at: "\(path).phones.phones").enumerated() {
            guard let phone = reader.string(entry, "value", at: "\(path).phones.phones[\(index)].value", required: true) else { continue }
            research.identifiers.phones.append(phone)
            if let key = LinkKey.phone(phone) { links.append(key) }
        }
        let addresses = reader.object(person, "addresses", at: "\(path).addresses")
        for (index, entry) in reader.array(addresses, "addresses", at: "\(path).addresses.addresses").enumerated() {
            let addressPath = "\(path).addresses.addresses[\(index)]"
            let street = reader.string(entry, "street1", at: "\(addressPath).street1")
            _ = reader.string(entry, "street2", at: "\(addressPath).street2")
            let city = reader.string(entry, "city", at: "\(addressPath).city")
            let postcode = reader.string(entry, "postalCode", at: "\(addressPath).postalCode")
            let country = reader.string(entry, "country", at: "\(addressPath).country")
            if let street, let postcode, !street.isEmpty, !postcode.isEmpty {
                research.addresses.append(PostalAddress(line1: street, town: city, postcode: postcode, addressType: nil))
                suspects.addresses.insert(HouseholdAddress(line: street, postcode: postcode, country: country))
            }
        }
        let sourceInfo = reader.object(person, "sourceInformation", at: "\(path).sourceInformation")
        let capturesPath = "\(path).sourceInformation.sourceCaptures"
        for (index, capture) in reader.array(sourceInfo, "sourceCaptures", at: capturesPath).enumerated() {
            let capturePath = "\(capturesPath)[\(index)]"
            let type = reader.string(capture, "captureType", at: "\(capturePath).captureType")
            let at = reader.timestamp(capture, "dateTime", at: "\(capturePath).dateTime")
            _ = reader.string(capture, "eventName", at: "\(capturePath).eventName")
            let port = reader.integer(capture, "port", at: "\(capturePath).port", in: 1...65535)
            if type?.lowercased() == "IP Address".lowercased() {
                if let ip = reader.ipAddress(capture, "value", at: "\(capturePath).value", required: true), let at {
                    research.ips.append(IPObservation(ipAddress: ip, at: at, port: port))
                }
            } else {
                _ = reader.string(capture, "value", at: "\(capturePath).value")
            }
        }
    }

    private static func strings(_ items: [JSONValue], at path: String, _ reader: inout FieldReader) -> [String] {
        items.enumerated().compactMap { index, item in
            guard case .string(let text) = item else {
                reader.fail("\(path)[\(index)]", "must be a string")
                return nil
            }
            return text
        }
    }
}
