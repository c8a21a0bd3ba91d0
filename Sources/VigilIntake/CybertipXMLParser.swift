#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import VigilCore

/// Turns one CyberTipline record of an XML batch — an `<ncaReferral>` holding NCMEC's `<report>`, its
/// `<fileDetails>` and optionally the `<reportResponse>` (docs/CYBERTIP-XML.md) — into a `Referral`, or every
/// error it has. Validates it as NCMEC documents it (`CybertipValidator` and the rules of batched reports,
/// phones, emails and files below), then reads facts by rules C1–C9 and N1–N4 of `../shared/CYBERTIP-XML.md`.
/// What the ESP's XML cannot say (offence history, occupation, other access) stays unknown, never no.
public enum CybertipXMLParser {
    /// The record's root element.
    public static let recordName = "ncaReferral"

    /// Parses and validates a record imported at `now`.
    public static func parse(_ record: MarkupElement, now: Date) -> Result<Referral, IntakeRejection> {
        guard record.name == recordName else {
            return .failure(
                IntakeRejection(errors: [
                    FieldError(field: record.name, message: "\(record.place): a record must be an <\(recordName)>, not <\(record.name)>")
                ]))
        }
        var validator = CybertipValidator(now: now)
        validator.check(record, type: recordName, path: recordName)
        let reportId = self.reportId(record, &validator)
        let receivedAt = record[attribute: "disseminatedAt"].flatMap { try? Timestamp.parse($0).get() }
        if record[attribute: "disseminatedAt"] == nil {
            validator.fail(
                "\(recordName)/@disseminatedAt", record,
                "is required: the XML carries no received time; give the NCA's dissemination time (or --received-at for a report directory)")
        }
        guard let report = record.first("report") else {
            return .failure(IntakeRejection(errors: validator.errors))
        }
        let files = record.all("fileDetails")
        checkRules(report, files: files, &validator)
        guard validator.errors.isEmpty, let reportId, let receivedAt else { return .failure(IntakeRejection(errors: validator.errors)) }
        return .success(referral(report, files: files, reportId: reportId, receivedAt: receivedAt))
    }

    /// The report id the record's documents give (the envelope, each `<fileDetails>`, the `<reportResponse>`),
    /// which must agree.
    public static func reportId(_ record: MarkupElement) -> String? {
        var validator = CybertipValidator(now: .distantFuture)
        return reportId(record, &validator)
    }

    private static func reportId(_ record: MarkupElement, _ validator: inout CybertipValidator) -> String? {
        var given: [(path: String, element: MarkupElement, id: String)] = []
        if let id = record[attribute: "reportId"] { given.append(("\(recordName)/@reportId", record, id)) }
        for (index, file) in record.all("fileDetails").enumerated() {
            if let id = file.first("reportId") { given.append(("\(recordName)/fileDetails[\(index + 1)]/reportId", id, id.trimmedText)) }
        }
        if let id = record.first("reportResponse")?.first("reportId") { given.append(("\(recordName)/reportResponse/reportId", id, id.trimmedText)) }
        guard let first = given.first else {
            validator.fail(
                "\(recordName)/@reportId", record,
                "is required when no <fileDetails> or <reportResponse> gives the report id (NCMEC assigns it; the <report> has none)")
            return nil
        }
        for other in given.dropFirst() where other.id != first.id {
            validator.fail(
                other.path, other.element,
                "report id '\(DisplayText.echoed(other.id))' differs from '\(DisplayText.echoed(first.id))' (\(first.path))")
        }
        guard FieldReader.isReference(first.id) else {
            validator.fail(first.path, first.element, FieldReader.referenceRule)
            return nil
        }
        return first.id
    }

    /// NCMEC's rules beyond the schema: batched reports (Appendix E), one reported person otherwise, the
    /// reporter's email, phones, emails, and files.
    private static func checkRules(_ report: MarkupElement, files: [MarkupElement], _ validator: inout CybertipValidator) {
        let path = "\(recordName)/report"
        let reported = report.all("personOrUserReported")
        if report.first("batchedReport") != nil {
            for name in ["internetDetails", "lawEnforcement", "intendedRecipient", "victim", "additionalInfo"] {
                for element in report.all(name) { validator.fail("\(path)/\(name)", element, "is not allowed in a batched report") }
            }
            if let escalation = report.first("incidentSummary")?.first("escalateToHighPriority") {
                validator.fail("\(path)/incidentSummary/escalateToHighPriority", escalation, "is not allowed in a batched report")
            }
            for (index, person) in reported.enumerated() where person.children.map(\.name) != ["espIdentifier"] {
                validator.fail("\(path)/personOrUserReported[\(index + 1)]", person, "may hold only <espIdentifier> in a batched report")
            }
            if files.count > 1 { validator.fail("\(recordName)/fileDetails[2]", files[1], "a batched report has one file only") }
            for file in files { checkBatchedFile(file, &validator) }
        } else if reported.count > 1 {
            validator.fail("\(path)/personOrUserReported[2]", reported[1], "only a batched report may name more than one reported person")
        }
        if let escalation = report.first("incidentSummary")?.first("escalateToHighPriority"), escalation.trimmedText.isEmpty {
            validator.fail("\(path)/incidentSummary/escalateToHighPriority", escalation, "must not be blank (supplying it escalates the report)")
        }
        if let reporting = report.first("reporter")?.first("reportingPerson"), reporting.all("email").isEmpty {
            validator.fail("\(path)/reporter/reportingPerson/email", reporting, "is required: NCMEC needs the reporting person's email")
        }
        checkContacts(report, path, &validator)
        for (index, file) in files.enumerated() { checkFile(file, "\(recordName)/fileDetails[\(index + 1)]", &validator) }
    }

    private static func checkBatchedFile(_ file: MarkupElement, _ validator: inout CybertipValidator) {
        let annotations = Set(
            (file.first("fileAnnotations")?.children ?? []).map(\.name) + (file.first("potentialMeme") != nil ? ["potentialMeme"] : []))
        if annotations.isDisjoint(with: ["viral", "potentialMeme"]) {
            validator.fail("\(recordName)/fileDetails", file, "a batched report's file must be annotated viral or potentialMeme")
        }
        for extra in annotations.subtracting(["viral", "potentialMeme"]).sorted() {
            validator.fail("\(recordName)/fileDetails/fileAnnotations/\(extra)", file, "a batched report's file may carry no other annotation")
        }
        for name in ["originalFileName", "locationOfFile", "originalFileHash", "ipCaptureEvent", "deviceId", "details", "additionalInfo"] {
            for element in file.all(name) {
                validator.fail("\(recordName)/fileDetails/\(name)", element, "is not allowed on a batched report's file")
            }
        }
    }

    /// Phones given without their calling code, verified emails with a date, and every email an incident
    /// names also on a person.
    private static func checkContacts(_ report: MarkupElement, _ path: String, _ validator: inout CybertipValidator) {
        var personEmails = Set<String>()
        walk(report, path: path) { element, elementPath in
            switch element.name {
            case "phone", "phoneNumber":
                let number = element.trimmedText
                if let code = element[attribute: "countryCallingCode"] {
                    let digits = String(code.dropFirst())
                    if number.hasPrefix("+") || number.hasPrefix("00\(digits)") || number.hasPrefix(digits) && number.count > 10 {
                        validator.fail(
                            elementPath, element, "'\(DisplayText.echoed(number))' repeats the calling code \(code): give the number without it")
                    }
                }
            case "email":
                personEmails.insert(element.trimmedText.lowercased())
                if element[attribute: "verificationDate"] != nil, !["true", "1"].contains(element[attribute: "verified"] ?? "") {
                    validator.fail("\(elementPath)/@verified", element, "must be true when a verificationDate is given")
                }
            default: break
            }
        }
        for (index, details) in report.all("internetDetails").enumerated() {
            for incident in details.children {
                for address in incident.all("emailAddress") where !personEmails.contains(address.trimmedText.lowercased()) {
                    validator.fail(
                        "\(path)/internetDetails[\(index + 1)]/\(incident.name)/emailAddress", address,
                        "'\(DisplayText.echoed(address.trimmedText))' must also appear as a person's email")
                }
            }
        }
    }

    private static func checkFile(_ file: MarkupElement, _ path: String, _ validator: inout CybertipValidator) {
        if isTrue(file.first("exifViewedByEsp")), !isTrue(file.first("fileViewedByEsp")) {
            validator.fail("\(path)/fileViewedByEsp", file, "must be true when exifViewedByEsp is true")
        }
        if file.first("potentialMeme") != nil, file.first("fileAnnotations") != nil {
            validator.fail("\(path)/fileAnnotations", file, "give either <potentialMeme> or <fileAnnotations>, not both")
        }
        if let classification = file.first("industryClassification"), isSupplemental(file) {
            validator.fail("\(path)/industryClassification", classification, "is only for files whose fileRelevance is Reported")
        }
    }

    /// Calls `visit` on every element under `element` with its path.
    private static func walk(_ element: MarkupElement, path: String, _ visit: (MarkupElement, String) -> Void) {
        for child in element.children {
            let childPath = "\(path)/\(child.name)"
            visit(child, childPath)
            walk(child, path: childPath, visit)
        }
    }

    static func isTrue(_ element: MarkupElement?) -> Bool { ["true", "1"].contains(element?.trimmedText ?? "") }

    static func isSupplemental(_ file: MarkupElement) -> Bool { file.first("fileRelevance")?.trimmedText == "Supplemental Reported" }
}
