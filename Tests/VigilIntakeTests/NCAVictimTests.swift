import Foundation
import Testing
import VigilCore
import VigilIntake

@Suite("NCA packages: the CyberTipline's child victims and the law-enforcement download's victim fields")
struct NCAVictimTests {
    private func facts(_ text: String) throws -> Set<FactKind> {
        Set(try referral(try read(text, .nca)[0]).observations.map(\.fact))
    }

    private func summary(_ type: String = "Child Pornography (possession, manufacture, and distribution)") -> [String: Any] {
        ["incidentType": type, "incidentDateTime": "2026-10-24T19:30:00Z"]
    }

    @Test("N1: a victim under 18 or of unknown age is an identified child victim; one of 18 or over is not a child")
    func victims() throws {
        let text = ncaPackage {
            setInfo(&$0, "incidentSummary", summary())
            setInfo(&$0, "victims", ["victims": [["approximateAge": 7], ["dateOfBirth": "2017-02-14"], [:], ["approximateAge": 19]]])
        }
        let referral = try referral(try read(text, .nca)[0])
        #expect(Set(referral.observations.map(\.fact)) == [.identifiedChildVictim])
        #expect(referral.children.map(\.age) == [7, 9, nil])
        #expect(referral.children.allSatisfy { $0.relation == .victim })
    }

    @Test("N2: a victim whose Parent/Guardian account is a reported person's, or who lives at their address, is household access")
    func household() throws {
        let guardian = ncaPackage {
            setInfo(&$0, "reportedPeople", ["reportedPersons": [["espService": "Platform Example", "espUserId": "u-11111"]]])
            setInfo(
                &$0, "victims", ["victims": [["approximateAge": 7, "associatedAccounts": [["type": "Parent/Guardian", "espUserId": "u-11111"]]]]])
        }
        #expect(try facts(guardian) == [.identifiedChildVictim, .childAccessHousehold])
        // JSONSerialization writes `/` as `\/`, so edits of the serialised text spell it so.
        let linked = guardian.replacingOccurrences(of: #"Parent\/Guardian"#, with: "Linked")
        #expect(try facts(linked) == [.identifiedChildVictim])
        let sameAddress = ncaPackage {
            setInfo(
                &$0, "reportedPeople",
                ["reportedPersons": [["addresses": ["addresses": [["street1": "4 Sample Road, Flat 2", "postalCode": "EX3 4CD", "country": "GB"]]]]]])
            setInfo(
                &$0, "victims",
                ["victims": [["addresses": ["addresses": [["street1": "4 sample road flat 2", "postalCode": "ex34cd", "country": "gb"]]]]]])
        }
        #expect(try facts(sameAddress) == [.identifiedChildVictim, .childAccessHousehold])
        let placed = try referral(try read(sameAddress, .nca)[0])
        #expect(placed.children[0].about == placed.research.addresses.first.map(Subject.address), "placed at the household")
        let badType = errors(try read(guardian.replacingOccurrences(of: #"Parent\/Guardian"#, with: "Parent"), .nca)[0])
        #expect(badType.map(\.field) == ["cybertip.reportedInformation.victims.victims[0].associatedAccounts[0].type"])
    }

    @Test("the law-enforcement download: childVictims, relationshipToChildVictim, accessToChildVictim and priorityId")
    func lawEnforcementFields() throws {
        let victims = ncaPackage { package in
            var tip = package["cybertip"] as! [String: Any]
            tip["childVictims"] = [["age": 5], ["age": nil as Any? as Any]]
            tip["relationshipToChildVictim"] = "Teacher/Coach/Childcare"
            tip["accessToChildVictim"] = true
            tip["additionalNcmecInformation"] = ["priority": ["priorityId": "1"]]
            package["cybertip"] = tip
        }
        let referral = try referral(try read(victims, .nca)[0])
        #expect(Set(referral.observations.map(\.fact)) == [.identifiedChildVictim, .childAccessOccupation, .imminentDanger])
        #expect(referral.children.map(\.age) == [5, nil])
        let accessOnly = victims.replacingOccurrences(of: #"Teacher\/Coach\/Childcare"#, with: "Online Only")
        #expect(try facts(accessOnly).contains(.childAccessOther))
        let badPriority = errors(try read(victims.replacingOccurrences(of: "\"priorityId\":\"1\"", with: "\"priorityId\":\"7\""), .nca)[0])
        #expect(badPriority.map(\.field) == ["cybertip.additionalNcmecInformation.priority.priorityId"])
    }

    @Test("the same report as NCA JSON and as NCMEC XML yields the same facts and children")
    func sameFactsBothRoutes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/cybertip-xml/reports.xml")
        let now = try Timestamp.parse("2026-12-01T00:00:00Z").get()
        let xml = try BatchReader.read(Array(try Data(contentsOf: url)), format: .cybertipXML, now: now)
        let byRef = Dictionary(uniqueKeysWithValues: try xml.map { ($0.ref ?? "", try $0.result.get().referral) })
        let json: [(String, String)] = [
            (
                "900000106",
                ncaPackage {
                    setInfo(&$0, "incidentSummary", summary("Online Enticement of Children for Sexual Acts"))
                    setInfo(
                        &$0, "intendedRecipients",
                        ["intendedRecipients": [["dateOfBirth": "2013-10-29", "screenName": ["value": "pip_l"]]]])
                }
            ),
            (
                "900000111",
                ncaPackage {
                    setInfo(&$0, "incidentSummary", summary())
                    setInfo(&$0, "reportedPeople", ["reportedPersons": [["espService": "Platform Example", "espUserId": "u-11111"]]])
                    setInfo(
                        &$0, "victims",
                        ["victims": [["approximateAge": 7, "associatedAccounts": [["type": "Parent/Guardian", "espUserId": "u-11111"]]]]])
                }
            ),
            ("900000114", ncaPackage { setInfo(&$0, "incidentSummary", summary("Unsolicited Obscene Material Sent to a Child")) }),
        ]
        for (ref, text) in json {
            let fromJSON = try referral(try read(text, .nca)[0])
            let fromXML = try #require(byRef[ref])
            #expect(Set(fromJSON.observations.map(\.fact)) == Set(fromXML.observations.map(\.fact)), "\(ref)")
            #expect(fromJSON.children.map(\.age) == fromXML.children.map(\.age), "\(ref)")
        }
    }
}
