import Foundation
import Testing
import VigilCore

@Suite("an assessment's stored text")
struct AssessmentTextTests {
    @Test("a provenance holding a quote or a backslash still gives valid JSON, names sorted")
    func factsUsedEscapes() throws {
        let assessment = RiskAssessment(
            grade: .high, policy: "vigil-1", path: "…", provisional: true, pendingChecks: ["pnc", "subscriber"],
            factsUsed: [
                "imminentDanger": .unknown,
                "childAccessOther": CombinedFact(value: .yes, provenance: [Provenance(rawValue: #"officer:dc "o\neill""#), .referral]),
            ], at: t0)
        let text = AssessmentText(assessment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.factsUsed.utf8)) as? [String: String])
        #expect(object == ["imminentDanger": "unknown", "childAccessOther": #"yes(officer:dc "o\neill",referral)"#])
        #expect(text.factsUsed.hasPrefix(#"{"childAccessOther":"#), "names sorted")
        #expect(text.pendingChecks == "pnc,subscriber")
    }

    @Test("an assessment that read no facts and waits for no checks stores an empty object and an empty list")
    func empty() {
        let text = AssessmentText(
            RiskAssessment(
                grade: .low, policy: "vigil-1", path: "", provisional: false, pendingChecks: [],
                factsUsed: [:], at: t0))
        #expect(text.factsUsed == "{}")
        #expect(text.pendingChecks == "")
    }
}
