import Testing
import VigilCore

@Suite("waiting bands")
struct WaitingBandTests {
    static let day = 86_400.0
    static let cases: [(Double, WaitingBand)] = [
        (-5, .underOneDay), (0, .underOneDay), (day - 1, .underOneDay), (day, .oneToSevenDays),
        (7 * day - 1, .oneToSevenDays), (7 * day, .sevenToFourteenDays), (14 * day, .fourteenToThirtyDays),
        (30 * day, .thirtyToNinetyDays), (90 * day, .ninetyToThreeSixtyFiveDays), (365 * day - 1, .ninetyToThreeSixtyFiveDays),
        (365 * day, .overOneYear), (3000 * day, .overOneYear),
    ]

    @Test("each bound falls in the band it starts; negative waits count as under a day", arguments: cases)
    func band(seconds: Double, expected: WaitingBand) {
        #expect(WaitingBand(waited: seconds) == expected)
    }

    @Test("names round-trip and bands tile the line")
    func names() {
        for band in WaitingBand.allCases {
            #expect(WaitingBand(name: band.name) == band)
            if let upper = band.upperBound { #expect(WaitingBand(waited: upper) == WaitingBand(rawValue: band.rawValue + 1)) }
        }
        #expect(WaitingBand.overOneYear.upperBound == nil)
        #expect(WaitingBand(name: "1-7 days") == nil)
    }
}

@Suite("plain-English grade explanations")
struct GradeExplanationTests {
    let sources = IntelSourceSpec.defaults(baseURL: "http://192.0.2.1")

    @Test("the inspection's example: a social-care child of 7, history pending on PNC")
    func socialCareChild() {
        let text = GradeExplanation.text(
            grade: .high,
            facts: [.childAccessHousehold: CombinedFact(value: .yes, provenance: [.check("social-care")])],
            children: [Child(age: 7, relation: .household, provenance: .check("social-care"))],
            pendingChecks: ["pnc"], sources: sources)
        #expect(text == "High because the social-care check found a child of 7 living at the address; history not yet known — PNC pending")
    }

    @Test("imminent danger decides alone; Very High asks nothing further")
    func danger() {
        let text = GradeExplanation.text(
            grade: .veryHigh, facts: [.imminentDanger: CombinedFact(value: .yes, provenance: [.referral])], children: [],
            pendingChecks: [], sources: sources)
        #expect(text == "Very High because imminent danger is reported by the referral")
    }

    @Test("history and access together, several children, several sayers")
    func historyAndAccess() {
        let text = GradeExplanation.text(
            grade: .veryHigh,
            facts: [
                .sexualOffenceHistory: CombinedFact(value: .yes, provenance: [.check("pnc"), .check("visor")]),
                .childAccessHousehold: CombinedFact(value: .yes, provenance: [.referral]),
            ],
            children: [
                Child(age: 11, relation: .household, provenance: .referral), Child(age: 8, relation: .household, provenance: .referral),
                Child(age: 4, relation: .other, provenance: .referral),
            ],
            pendingChecks: [], sources: sources)
        #expect(
            text
                == "Very High because the PNC check and the ViSOR check found a sexual offence history; the referral reports children of 11 and 8 living at the address"
        )
    }

    @Test("Low with nothing known names the checks that could raise it, and lists the rest")
    func lowPending() {
        let text = GradeExplanation.text(grade: .low, facts: [:], children: [], pendingChecks: ["subscriber", "pnd"], sources: sources)
        #expect(text == "Low because nothing reported or found so far points to risk; history not yet known — PND pending; also pending: subscriber")
    }

    @Test("a fact known to be no is not called unknown")
    func knownNo() {
        let text = GradeExplanation.text(
            grade: .medium,
            facts: [
                .distribution: CombinedFact(value: .yes, provenance: [.referral]),
                .sexualOffenceHistory: CombinedFact(value: .no, provenance: [.check("pnc")]),
            ],
            children: [], pendingChecks: ["social-care"], sources: sources)
        #expect(text == "Medium because the referral reports distribution of indecent images; access to children not yet known — social-care pending")
    }

    @Test("two sources describing the same household children are not added up")
    func sameChildrenTwice() {
        let text = GradeExplanation.text(
            grade: .high,
            facts: [.childAccessHousehold: CombinedFact(value: .yes, provenance: [.check("social-care"), .referral])],
            children: [
                Child(age: 8, relation: .household, provenance: .referral), Child(age: 11, relation: .household, provenance: .referral),
                Child(age: 11, relation: .household, provenance: .check("social-care")),
                Child(age: 8, relation: .household, provenance: .check("social-care")),
                Child(age: 8, relation: .household, provenance: .check("social-care")),
            ],
            pendingChecks: [], sources: sources)
        #expect(text == "High because the social-care check and the referral found children of 11, 8 and 8 living at the address")
    }
}
