/// The text columns an assessment is stored with: the facts its path read as a small JSON object, and the
/// sources of its pending checks, comma-separated. Worked out where the assessment is made, so an import
/// writes a new case's history row without building text on the single writer (docs/DECISIONS.md).
public struct AssessmentText: Sendable, Hashable {
    /// Fact → path text (`"yes(referral)"`), names sorted, e.g. `{"imminentDanger":"unknown"}`.
    public let factsUsed: String
    /// The pending checks' sources, e.g. `pnc,subscriber`.
    public let pendingChecks: String

    /// The texts of `assessment`.
    public init(_ assessment: RiskAssessment) {
        factsUsed = Self.factsUsedJSON(assessment.factsUsed)
        pendingChecks = assessment.pendingChecks.joined(separator: ",")
    }

    /// The facts as a JSON object of path texts, names sorted. Written byte by byte, without an encoder or
    /// interpolated strings: every new case and every re-assessment writes one.
    private static func factsUsedJSON(_ facts: [String: CombinedFact]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(64 * facts.count)
        for name in facts.keys.sorted() {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendString(facts[name]!.pathText, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
