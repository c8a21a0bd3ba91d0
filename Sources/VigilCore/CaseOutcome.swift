/// How a case ended, coded so that outcomes can be counted.
public enum CaseOutcomeCode: String, Sendable, Codable, CaseIterable {
    case arrested
    case voluntaryInterview = "voluntary-interview"
    case warrantNothingFound = "warrant-nothing-found"
    case nfaInsufficientEvidence = "nfa-insufficient-evidence"
    case nfaNotIdentified = "nfa-not-identified"
    /// Handed to another force or agency (`receivingAgency` says which).
    case transferred
    /// Joined to another case's investigation (`linkedCase` says which).
    case linkedToCase = "linked-to-case"
}

/// A case's outcome as recorded at closing: the code, free-text detail, the receiving force or agency of a
/// transfer, the case a linked case went to, and how many children were safeguarded.
public struct CaseOutcome: Sendable, Hashable, Codable {
    /// The coded outcome.
    public var code: CaseOutcomeCode
    /// Free-text detail, when given.
    public var detail: String?
    /// The force or agency a transferred case went to.
    public var receivingAgency: String?
    /// The case a linked case joined.
    public var linkedCase: CaseID?
    /// Children safeguarded by the investigation.
    public var childrenSafeguarded: Int

    /// A validated outcome: a transfer names its receiving force or agency, a link its case, and the
    /// number of children safeguarded is not negative.
    public init(
        code: CaseOutcomeCode, detail: String? = nil, receivingAgency: String? = nil, linkedCase: CaseID? = nil,
        childrenSafeguarded: Int = 0
    ) throws(CaseOutcomeError) {
        let detail = detail.flatMap { Self.trimmed($0) }
        let agency = receivingAgency.flatMap { Self.trimmed($0) }
        if code == .transferred, agency == nil {
            throw CaseOutcomeError("a transferred case names the receiving force or agency")
        }
        if code == .linkedToCase, linkedCase == nil { throw CaseOutcomeError("a linked case names the case it is linked to") }
        guard (0...1_000).contains(childrenSafeguarded) else {
            throw CaseOutcomeError("children safeguarded must be 0–1000 (it is \(childrenSafeguarded))")
        }
        self.code = code
        self.detail = detail
        self.receivingAgency = code == .transferred ? agency : nil
        self.linkedCase = code == .linkedToCase ? linkedCase : nil
        self.childrenSafeguarded = childrenSafeguarded
    }

    /// An outcome from the words a person or a script gives: the code's name, and the case a linked case
    /// joined as `C-000042`, `C-42` or `42`.
    public static func parse(
        code: String, detail: String?, receivingAgency: String?, linkedCase: String?, childrenSafeguarded: Int?
    ) throws(CaseOutcomeError) -> CaseOutcome {
        guard let parsedCode = CaseOutcomeCode(name: code) else {
            throw CaseOutcomeError(
                "outcome '\(DisplayText.echoed(code))' is not one of \(CaseOutcomeCode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var linked: CaseID?
        if let linkedCase {
            guard let id = CaseID(text: linkedCase) else {
                throw CaseOutcomeError("linked case '\(DisplayText.echoed(linkedCase))' is not a case id")
            }
            linked = id
        }
        return try CaseOutcome(
            code: parsedCode, detail: detail, receivingAgency: receivingAgency, linkedCase: linked,
            childrenSafeguarded: childrenSafeguarded ?? 0)
    }

    /// One line for the case history and the audit log, e.g.
    /// `transferred to Example Constabulary; 2 children safeguarded: detail`.
    public var text: String {
        var text = code.rawValue
        if let receivingAgency { text += " to \(receivingAgency)" }
        if let linkedCase { text += " \(linkedCase)" }
        text += "; \(childrenSafeguarded) child\(childrenSafeguarded == 1 ? "" : "ren") safeguarded"
        if let detail { text += ": \(detail)" }
        return text
    }

    /// `text` without white space at either end; nil when nothing is left.
    public static func trimmed(_ text: String) -> String? {
        let start = text.firstIndex { !$0.isWhitespace }
        let end = text.lastIndex { !$0.isWhitespace }
        guard let start, let end else { return nil }
        return String(text[start...end])
    }
}

/// An outcome that does not hold together, with a sentence for people.
public struct CaseOutcomeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The closing rule: a case whose calls to social care or the LADO are not yet made (open or deferred)
/// closes only with a supervisor's recorded override, and the calls stay visible until made or withdrawn.
public enum ClosingRules {
    /// Nil when a case whose unsettled flags are `unsettled` may close (with `overrideReason`, if any);
    /// otherwise the refusal, naming the flags.
    public static func refusal(caseId: CaseID, unsettled: [FlagKey], overrideReason: String?) -> String? {
        guard !unsettled.isEmpty, overrideReason.flatMap(CaseOutcome.trimmed) == nil else { return nil }
        let names = unsettled.map(\.description).joined(separator: " and ")
        return "case \(caseId) has its \(names) call\(unsettled.count == 1 ? "" : "s") still to make; "
            + "make \(unsettled.count == 1 ? "it" : "them") first, or a supervisor closes it with an override reason"
    }

    /// What the audit log says of a closing: the outcome, and the override when calls were still to make.
    public static func auditDetail(_ outcome: CaseOutcome, override: String?) -> String {
        outcome.text + (override.map { "; override with calls still to make: \($0)" } ?? "")
    }
}
