#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// What a valid CyberTipline report says, by rules C1–C9 and N1–N4 of `../shared/CYBERTIP-XML.md` §1.7:
/// facts, children, link keys and research inputs. Files whose `fileRelevance` is `Supplemental Reported`
/// are context: their annotations and publication never count as material. A victim in the reported
/// person's household is placed at the household's address, other children with the reported person.
extension CybertipXMLParser {
    static func referral(_ report: MarkupElement, files: [MarkupElement], reportId: String, receivedAt: Date) -> Referral {
        let summary = report.first("incidentSummary")
        let incidentType = summary?.first("incidentType")?.trimmedText ?? ""
        let incidentAt = summary?.first("incidentDateTime").flatMap { try? Timestamp.parse($0.trimmedText).get() } ?? receivedAt
        let reportAnnotations = Set((summary?.first("reportAnnotations")?.children ?? []).map(\.name))
        let material = files.filter { !isSupplemental($0) }
        let fileAnnotations = Set(material.flatMap { $0.first("fileAnnotations")?.children ?? [] }.map(\.name))

        var facts = Set<FactKind>()
        var children: [Child] = []
        // C1: a non-blank escalation. (C2–C5: the ESP's XML has no offence history, occupation or access.)
        if let escalation = summary?.first("escalateToHighPriority"), !escalation.trimmedText.isEmpty { facts.insert(.imminentDanger) }
        // C6 (and C8 through it): an intended recipient under 18 is a child victim of sexual communication.
        for recipient in report.all("intendedRecipient") {
            if let age = age(recipient.first("intendedRecipientPerson"), at: incidentAt), age < 18 {
                facts.formUnion([.identifiedChildVictim, .sexualCommunicationWithChild])
                children.append(Child(age: age, relation: .victim, provenance: .referral))
            }
        }
        // C7
        if incidentType == "Child Sexual Molestation" || !fileAnnotations.isDisjoint(with: ["physicalHarm", "liveStreaming"]) {
            facts.insert(.contactAbuseIndicators)
        }
        // C8, N4
        if incidentType == "Online Enticement of Children for Sexual Acts" || incidentType == "Unsolicited Obscene Material Sent to a Child"
            || !reportAnnotations.isDisjoint(with: ["sextortion", "csamSolicitation"])
        {
            facts.insert(.sexualCommunicationWithChild)
        }
        // C9, N3
        if material.contains(where: { isTrue($0.first("publiclyAvailable")) })
            || report.all("internetDetails").contains(where: { $0.first("peer2peerIncident") != nil })
        {
            facts.insert(.distribution)
        }
        let suspects = report.all("personOrUserReported")
        let platform = summary?.first("platform")?.trimmedText
        // N1, N2
        let suspectIdentifiers = Set(suspects.compactMap { $0.first("espIdentifier")?.trimmedText }.filter { !$0.isEmpty })
        let suspectAddresses = Set(suspects.flatMap { addressKeys($0.first("personOrUserReportedPerson")) })
        var householdVictims = Set<Int>()
        for victim in report.all("victim") {
            let age = age(victim.first("victimPerson"), at: incidentAt)
            if let age, age >= 18 { continue }
            facts.insert(.identifiedChildVictim)
            let guardian = victim.all("associatedAccount").contains {
                $0[attribute: "type"] == "Parent/Guardian" && $0.first("espIdentifier").map { suspectIdentifiers.contains($0.trimmedText) } == true
            }
            if guardian || !suspectAddresses.isDisjoint(with: addressKeys(victim.first("victimPerson"))) {
                facts.insert(.childAccessHousehold)
                householdVictims.insert(children.count)
            }
            children.append(Child(age: age, relation: .victim, provenance: .referral))
        }

        var research = ResearchInputs()
        var links: [LinkKey] = []
        for suspect in suspects {
            readSuspect(suspect, platform: platform, &research, &links)
        }
        let p2pEvents = report.all("internetDetails").flatMap { $0.first("peer2peerIncident")?.all("ipCaptureEvent") ?? [] }
        let fileEvents = files.compactMap { $0.first("ipCaptureEvent") }
        research.ips += (p2pEvents + fileEvents).compactMap(ipObservation)
        research.ips.sort { $0.at < $1.at }
        for device in files.flatMap({ $0.all("deviceId") }) { links += deviceKey(device).map { [$0] } ?? [] }

        let subject =
            research.persons.first.map(Subject.person)
            ?? (research.identifiers.emails + research.identifiers.usernames + research.identifiers.phones).first.map(Subject.account)
        let home = research.addresses.first.map(Subject.address) ?? subject
        let observations = facts.sorted { $0.rawValue < $1.rawValue }.map {
            FactObservation(fact: $0, value: true, provenance: .referral, at: receivedAt, about: $0 == .childAccessHousehold ? home : subject)
        }
        for index in children.indices { children[index].about = householdVictims.contains(index) ? home : subject }
        return Referral(
            source: .ncmec, ref: reportId, receivedAt: receivedAt, observations: observations, children: children, linkKeys: links,
            research: research)
    }

    /// The reported person's identity, contacts, addresses, IP events and devices; its account, falling
    /// back to the report's `platform` when it names no service (as in batched reports).
    private static func readSuspect(_ suspect: MarkupElement, platform: String?, _ research: inout ResearchInputs, _ links: inout [LinkKey]) {
        let service = suspect.first("espService")?.trimmedText ?? platform
        if let identifier = suspect.first("espIdentifier")?.trimmedText, let service,
            let key = LinkKey.espAccount(service: service, userId: identifier)
        {
            links.append(key)
        }
        if let screenName = suspect.first("screenName")?.trimmedText, !screenName.isEmpty { research.identifiers.usernames.append(screenName) }
        if let person = suspect.first("personOrUserReportedPerson") {
            let name = [person.first("firstName"), person.first("lastName")].compactMap { $0?.trimmedText }.filter { !$0.isEmpty }
                .joined(separator: " ")
            if !name.isEmpty { research.persons.append(PersonIdentity(name: name, dateOfBirth: person.first("dateOfBirth")?.trimmedText)) }
            for email in person.all("email") {
                research.identifiers.emails.append(email.trimmedText)
                if let key = LinkKey.email(email.trimmedText) { links.append(key) }
            }
            for phone in person.all("phone") {
                let number = joinedPhone(phone)
                research.identifiers.phones.append(number)
                if let key = LinkKey.phone(number) { links.append(key) }
            }
            for address in person.all("address") {
                guard let line = address.first("address")?.trimmedText, let zip = address.first("zipCode")?.trimmedText,
                    !line.isEmpty, !zip.isEmpty
                else { continue }
                research.addresses.append(PostalAddress(line1: line, town: address.first("city")?.trimmedText, postcode: zip, addressType: nil))
            }
        }
        research.ips += suspect.all("ipCaptureEvent").compactMap(ipObservation)
        links += suspect.all("deviceId").compactMap(deviceKey)
    }

    /// An IP event usable by the subscriber check: one with a time (normalised to UTC by parsing).
    private static func ipObservation(_ event: MarkupElement) -> IPObservation? {
        guard let ip = event.first("ipAddress")?.trimmedText, let time = event.first("dateTime"),
            let at = try? Timestamp.parse(time.trimmedText).get()
        else { return nil }
        return IPObservation(ipAddress: ip, at: at, port: event.first("port").flatMap { Int($0.trimmedText) })
    }

    /// A phone as one number: the calling code's digits, then the number (`+44`, `7700900123` → `447700900123`).
    static func joinedPhone(_ phone: MarkupElement) -> String {
        let code = phone[attribute: "countryCallingCode"].map { String($0.dropFirst()) } ?? ""
        return code + phone.trimmedText
    }

    private static func deviceKey(_ device: MarkupElement) -> LinkKey? {
        guard let type = device.first("idType")?.trimmedText, let value = device.first("idValue")?.trimmedText else { return nil }
        return LinkKey.device(type: type, value: value)
    }

    /// A person's age at the incident: `age`, else `dateOfBirth` taken at `instant`.
    private static func age(_ person: MarkupElement?, at instant: Date) -> Int? {
        if let age = person?.first("age").flatMap({ Int($0.trimmedText) }) { return age }
        return person?.first("dateOfBirth").flatMap { Timestamp.age(bornOn: $0.trimmedText, at: instant) }
    }

    /// A person's addresses as household keys (N2).
    private static func addressKeys(_ person: MarkupElement?) -> [HouseholdAddress] {
        (person?.all("address") ?? []).compactMap { address in
            guard let line = address.first("address")?.trimmedText, let zip = address.first("zipCode")?.trimmedText,
                !line.isEmpty, !zip.isEmpty
            else { return nil }
            return HouseholdAddress(line: line, postcode: zip, country: address.first("country")?.trimmedText)
        }
    }
}
