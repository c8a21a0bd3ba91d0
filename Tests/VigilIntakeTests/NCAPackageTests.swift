import Foundation
import Testing
import VigilCore
import VigilIntake

@Suite("NCA packages: facts at intake")
struct NCAPackageTests {
    @Test("supplements names another package; supplementary: true supplements this package id under a ref of its own")
    func supplements() throws {
        let other = try referral(try read(ncaPackage { $0["supplements"] = "NCA-2026-00001" }, .nca)[0])
        #expect(other.supplements == "NCA-2026-00001" && other.ref != "NCA-2026-00001")
        let again = try referral(try read(ncaPackage { $0["supplementary"] = true }, .nca)[0])
        let original = try referral(try read(ncaPackage(), .nca)[0])
        #expect(again.supplements == original.ref)
        #expect(again.ref == "\(original.ref)+\(Timestamp.format(original.receivedAt))")
        #expect(try referral(try read(ncaPackage { $0["supplementary"] = false }, .nca)[0]).supplements == nil)

        let itself = errors(try read(ncaPackage { $0["supplements"] = $0["packageId"] }, .nca)[0])
        #expect(itself.map(\.field) == ["supplements"] && itself[0].message.contains("cannot supplement itself"))
        let both = errors(
            try read(
                ncaPackage {
                    $0["supplements"] = "NCA-X"; $0["supplementary"] = true
                }, .nca)[0])
        #expect(both.map(\.field) == ["supplementary"])
        let bad = errors(try read(ncaPackage { $0["supplements"] = "not a ref" }, .nca)[0])
        #expect(bad.map(\.field) == ["supplements"])
    }

    @Test("facts are about the reported person; household children and the household fact about the subscriber address")
    func subjects() throws {
        let text = ncaPackage {
            $0["subscriber"] = [
                "ipAddress": "192.0.2.9", "at": "2026-02-27T21:00:00Z", "addressType": "installation",
                "address": ["line1": "3 Example Terrace", "town": "Northtown", "postcode": "ZZ9 9ZZ"],
            ]
            $0["childrenKnown"] = [["age": 6, "relation": "household"], ["age": 9, "relation": "occupation"]]
            $0["suspectOccupation"] = ["title": "Coach", "worksWithChildren": true]
            setInfo(&$0, "reportedPeople", ["reportedPersons": [["firstName": "Sam", "lastName": "Sample", "dateOfBirth": "1979-05-05"]]])
        }
        let parsed = try referral(try read(text, .nca)[0])
        let home = Subject(rawValue: "address:3 Example Terrace, Northtown, ZZ9 9ZZ")
        let sam = Subject.person(PersonIdentity(name: "Sam Sample", dateOfBirth: "1979-05-05"))
        #expect(parsed.children.map(\.about) == [home, sam])
        #expect(parsed.observations.first { $0.fact == .childAccessHousehold }?.about == home)
        #expect(parsed.observations.first { $0.fact == .childAccessOccupation }?.about == sam)
        #expect(parsed.addresses.map(\.type) == [.installation])
    }

    @Test("a plain package asserts no fact")
    func plain() throws {
        let record = try #require(try read(ncaPackage(), .nca).first)
        #expect(factSet(try referral(record)).isEmpty)
    }

    @Test("imminent danger: CAR, priority 1, or an escalation note")
    func imminentDanger() throws {
        let cases = [
            ncaPackage { $0["packageType"] = "car" },
            ncaPackage { $0["ncmecPriority"] = "1" },
            ncaPackage { setInfo(&$0, "incidentSummary", ["incidentType": "x", "escalateToHighPriority": "child at risk"]) },
        ]
        for text in cases {
            #expect(factSet(try referral(try read(text, .nca)[0])) == [.imminentDanger], "\(text)")
        }
        let empty = ncaPackage { setInfo(&$0, "incidentSummary", ["incidentType": "x", "escalateToHighPriority": ""]) }
        #expect(factSet(try referral(try read(empty, .nca)[0])).isEmpty)
    }

    @Test("children known map to access facts and become children of the case")
    func childrenKnown() throws {
        let text = ncaPackage {
            $0["childrenKnown"] = [
                ["age": 11, "relation": "household"], ["age": 8, "relation": "HOUSEHOLD"],
                ["age": NSNull(), "relation": "occupation"], ["age": 4, "relation": "other"],
                ["age": 6, "relation": "victim"],
            ]
        }
        let parsed = try referral(try read(text, .nca)[0])
        #expect(factSet(parsed) == [.childAccessHousehold, .childAccessOccupation, .childAccessOther, .identifiedChildVictim])
        #expect(parsed.children.map(\.age) == [11, 8, nil, 4, 6])
    }

    @Test("suspect works with children: occupation access (LADO)")
    func occupation() throws {
        let text = ncaPackage { $0["suspectOccupation"] = ["title": "Teacher", "worksWithChildren": true] }
        #expect(factSet(try referral(try read(text, .nca)[0])) == [.childAccessOccupation])
    }

    @Test("reported person: convicted sex offender and access to children")
    func reportedPerson() throws {
        let text = ncaPackage {
            setInfo(&$0, "incidentSummary", ["incidentType": "x"])
            setInfo(
                &$0, "reportedPeople",
                [
                    "reportedPersons": [
                        [
                            "convictedSexOffender": true, "accessToChildren": true,
                            "espService": "Example Chat", "espUserId": 77,
                            "emails": ["emails": [["value": "A@Example.com"]]],
                            "phones": ["phones": [["value": "07700 900001"]]],
                        ]
                    ]
                ])
        }
        let parsed = try referral(try read(text, .nca)[0])
        #expect(factSet(parsed) == [.sexualOffenceHistory, .childAccessOther])
        #expect(Set(parsed.linkKeys.map(\.rawValue)) == ["esp:example chat:77", "email:a@example.com", "phone:447700900001"])
        #expect(parsed.research.identifiers.emails == ["A@Example.com"])
    }

    @Test("behaviour: molestation, enticement, annotations and file annotations")
    func behaviour() throws {
        let molestation = ncaPackage { setInfo(&$0, "incidentSummary", ["incidentType": "child sexual molestation"]) }
        #expect(factSet(try referral(try read(molestation, .nca)[0])) == [.contactAbuseIndicators])
        let enticement = ncaPackage { setInfo(&$0, "incidentSummary", ["incidentType": "Online Enticement of Children for Sexual Acts"]) }
        #expect(factSet(try referral(try read(enticement, .nca)[0])) == [.sexualCommunicationWithChild])
        for annotation in ["sextortion", "csamSolicitation"] {
            let text = ncaPackage { setInfo(&$0, "incidentSummary", ["incidentType": "x", "reportAnnotations": [annotation, "spam"]]) }
            #expect(factSet(try referral(try read(text, .nca)[0])) == [.sexualCommunicationWithChild])
        }
        for annotation in ["physicalHarm", "liveStreaming"] {
            let text = ncaPackage {
                setInfo(&$0, "uploadedFiles", ["uploadedFiles": [["fileAnnotations": ["infant", annotation]]]])
            }
            #expect(factSet(try referral(try read(text, .nca)[0])) == [.contactAbuseIndicators])
        }
    }

    @Test("an intended recipient under 18 is an identified victim, sexual communication, and a child")
    func recipient() throws {
        let text = ncaPackage {
            setInfo(&$0, "intendedRecipients", ["intendedRecipients": [["approximateAge": 13], ["approximateAge": 30]]])
        }
        let parsed = try referral(try read(text, .nca)[0])
        #expect(factSet(parsed) == [.identifiedChildVictim, .sexualCommunicationWithChild])
        #expect(parsed.children == [Child(age: 13, relation: .victim, provenance: .referral)])
    }

    @Test("publicly available files are distribution")
    func distribution() throws {
        let text = ncaPackage {
            setInfo(&$0, "uploadedFiles", ["uploadedFiles": [["publiclyAvailable": false], ["publiclyAvailable": true]]])
        }
        #expect(factSet(try referral(try read(text, .nca)[0])) == [.distribution])
    }

    @Test("subscriber: installation address links and is researchable; IP with timestamp feeds the subscriber check")
    func subscriber() throws {
        let text = ncaPackage {
            $0["subscriber"] = [
                "ipAddress": "198.51.100.7", "at": "2026-02-01T10:00:00+01:00", "addressType": "Installation",
                "address": ["line1": "1 Example Row", "postcode": "ZZ1 1AA"], "subscriberName": "Sam Sample",
            ]
        }
        let parsed = try referral(try read(text, .nca)[0])
        #expect(parsed.linkKeys.map(\.rawValue) == ["address:ZZ11AA|1 example row"])
        #expect(parsed.research.ips.first?.ipAddress == "198.51.100.7")
        #expect(parsed.research.persons.map(\.name) == ["Sam Sample"])
    }
}
