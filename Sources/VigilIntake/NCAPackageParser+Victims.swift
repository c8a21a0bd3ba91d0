#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// The CyberTipline's child victims in an NCA package, read as the XML route reads them (rules N1, N2 of
/// `../shared/CYBERTIP-XML.md`), and the law-enforcement download's victim and priority fields.
extension NCAPackageParser {
    /// What identifies the reported persons, to tell a victim who lives with one of them.
    struct SuspectKeys {
        var userIds = Set<String>()
        var addresses = Set<HouseholdAddress>()
    }

    /// How the law-enforcement download's `relationshipToChildVictim` places the suspect: with the child
    /// at home, through work, or otherwise near; nil for no access (online only, unknown).
    static let relationships: [String: FactKind?] = [
        "Parent/Guardian": .childAccessHousehold, "Household Member": .childAccessHousehold,
        "Teacher/Coach/Childcare": .childAccessOccupation, "Relative": .childAccessOther, "Acquaintance": .childAccessOther,
        "Online Only": nil, "Unknown": nil,
    ]

    /// `reportedInformation.victims.victims[]`: every victim under 18 or of unknown age is an identified
    /// child victim (N1), aged from `approximateAge` or from `dateOfBirth` at the incident; one whose
    /// `Parent/Guardian` associated account is a reported person's, or who lives at a reported person's
    /// address, is in the suspect's household (N2): its index in `children` joins `householdVictims`, so the
    /// child is placed at the household's address.
    static func readVictims(
        _ info: JSONValue?, at path: String, incidentAt: Date, _ suspects: SuspectKeys, _ reader: inout FieldReader,
        _ facts: inout Set<FactKind>, _ children: inout [Child], _ householdVictims: inout Set<Int>
    ) {
        let victims = reader.object(info, "victims", at: path)
        for (index, victim) in reader.array(victims, "victims", at: "\(path).victims").enumerated() {
            let victimPath = "\(path).victims[\(index)]"
            guard case .object = victim else {
                reader.fail(victimPath, "must be an object")
                continue
            }
            _ = reader.string(victim, "firstName", at: "\(victimPath).firstName")
            _ = reader.string(victim, "lastName", at: "\(victimPath).lastName")
            let givenAge = reader.integer(victim, "approximateAge", at: "\(victimPath).approximateAge", in: 0...130)
            let birth = reader.date(victim, "dateOfBirth", at: "\(victimPath).dateOfBirth")
            var household = false
            for (accountIndex, account) in reader.array(victim, "associatedAccounts", at: "\(victimPath).associatedAccounts").enumerated() {
                let accountPath = "\(victimPath).associatedAccounts[\(accountIndex)]"
                let type = reader.choice(
                    account, "type", at: "\(accountPath).type", from: ["Billing", "Linked", "Business", "Creator", "Parent/Guardian", "Other"],
                    required: true)
                _ = reader.string(account, "espService", at: "\(accountPath).espService")
                let userId = reader.identifier(account, "espUserId", at: "\(accountPath).espUserId")
                if type == "Parent/Guardian", let userId, suspects.userIds.contains(userId) { household = true }
            }
            let addresses = reader.object(victim, "addresses", at: "\(victimPath).addresses")
            for (addressIndex, entry) in reader.array(addresses, "addresses", at: "\(victimPath).addresses.addresses").enumerated() {
                let addressPath = "\(victimPath).addresses.addresses[\(addressIndex)]"
                let street = reader.string(entry, "street1", at: "\(addressPath).street1")
                let postcode = reader.string(entry, "postalCode", at: "\(addressPath).postalCode")
                let country = reader.string(entry, "country", at: "\(addressPath).country")
                if let street, let postcode, suspects.addresses.contains(HouseholdAddress(line: street, postcode: postcode, country: country)) {
                    household = true
                }
            }
            let age = givenAge ?? birth.flatMap { Timestamp.age(bornOn: $0, at: incidentAt) }
            if let age, age >= 18 { continue }
            facts.insert(.identifiedChildVictim)
            if household {
                facts.insert(.childAccessHousehold)
                householdVictims.insert(children.count)
            }
            children.append(Child(age: age, relation: .victim, provenance: .referral))
        }
    }

    /// The law-enforcement download's fields: `childVictims[]` (`{age}`, each an identified child victim),
    /// `accessToChildVictim` and `relationshipToChildVictim` (how the suspect reaches the child), and
    /// `additionalNcmecInformation.priority.priorityId` (`1` is imminent danger, as `ncmecPriority` is).
    static func readLawEnforcementFields(_ tip: JSONValue, _ reader: inout FieldReader, _ facts: inout Set<FactKind>, _ children: inout [Child]) {
        for (index, entry) in reader.array(tip, "childVictims", at: "cybertip.childVictims").enumerated() {
            guard case .object = entry else {
                reader.fail("cybertip.childVictims[\(index)]", "must be an object {age}")
                continue
            }
            let age = reader.integer(entry, "age", at: "cybertip.childVictims[\(index)].age", in: 0...17)
            facts.insert(.identifiedChildVictim)
            children.append(Child(age: age, relation: .victim, provenance: .referral))
        }
        let relationship = reader.choice(
            tip, "relationshipToChildVictim", at: "cybertip.relationshipToChildVictim", from: relationships.keys.sorted())
        if let relationship, let fact = relationships[relationship] ?? nil { facts.insert(fact) }
        if reader.bool(tip, "accessToChildVictim", at: "cybertip.accessToChildVictim") == true,
            relationship.flatMap({ relationships[$0] ?? nil }) == nil
        {
            facts.insert(.childAccessOther)
        }
        let additional = reader.object(tip, "additionalNcmecInformation", at: "cybertip.additionalNcmecInformation")
        let priority = reader.object(additional, "priority", at: "cybertip.additionalNcmecInformation.priority")
        let priorityId = reader.identifier(priority, "priorityId", at: "cybertip.additionalNcmecInformation.priority.priorityId")
        if let priorityId, !["1", "2", "3", "E"].contains(priorityId.uppercased()) {
            reader.fail("cybertip.additionalNcmecInformation.priority.priorityId", "'\(DisplayText.echoed(priorityId))' is not one of 1, 2, 3, E")
        } else if priorityId == "1" {
            facts.insert(.imminentDanger)
        }
    }
}
