#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// Checks a CyberTipline record against `CybertipSchema`: element order, required and repeated elements,
/// unknown elements and attributes, enumerations (exact), lengths, and every time with a zone and in the
/// past. Each problem is one `FieldError` whose field is the element's path (`report/victim[2]/victimPerson/age`)
/// and whose message starts with its file and line.
struct CybertipValidator {
    /// The problems found so far.
    private(set) var errors: [FieldError] = []
    /// The import's instant: times after it are refused (NCMEC requires every time to be in the past).
    let now: Date

    /// Records a problem of `element` (or of a missing child of it) at `path`.
    mutating func fail(_ path: String, _ element: MarkupElement, _ message: String) {
        errors.append(FieldError(field: path, message: "\(element.place): \(message)"))
    }

    /// Checks `element` as the schema's `type`, at `path`, and everything inside it.
    mutating func check(_ element: MarkupElement, type typeName: String, path: String) {
        guard let type = CybertipSchema.types[typeName] else { return }
        checkAttributes(element, type, path)
        switch type.content {
        case .text(let kind):
            if !element.children.isEmpty {
                fail(path, element, "must hold text, not elements (found <\(element.children[0].name)>)")
            } else if let problem = problem(element.trimmedText, kind) {
                fail(path, element, problem)
            }
        case .flags(let names):
            var seen = Set<String>()
            for child in element.children {
                if !names.contains(child.name) {
                    fail("\(path)/\(child.name)", child, "is not an annotation of <\(element.name)> (one of \(names.joined(separator: ", ")))")
                } else if !seen.insert(child.name).inserted {
                    fail("\(path)/\(child.name)", child, "occurs twice")
                } else if !child.children.isEmpty || !child.trimmedText.isEmpty && child.trimmedText != "true" {
                    fail("\(path)/\(child.name)", child, "must be empty (a flag's presence means true)")
                }
            }
        case .choice(let slots):
            guard element.children.count == 1, let child = element.children.first else {
                fail(path, element, "must hold exactly one of \(slots.map { "<\($0.name)>" }.joined(separator: ", "))")
                return
            }
            guard let slot = slots.first(where: { $0.name == child.name }) else {
                fail("\(path)/\(child.name)", child, "is not one of \(slots.map { "<\($0.name)>" }.joined(separator: ", "))")
                return
            }
            check(child, type: slot.type, path: "\(path)/\(child.name)")
        case .sequence(let slots):
            checkSequence(element, slots, path)
        }
    }

    private mutating func checkSequence(_ element: MarkupElement, _ slots: [CybertipSchema.Child], _ path: String) {
        if !element.trimmedText.isEmpty {
            fail(path, element, "holds text outside its elements ('\(DisplayText.echoed(String(element.trimmedText.prefix(40))))')")
        }
        var position = 0
        var counts = [Int](repeating: 0, count: slots.count)
        for child in element.children {
            guard let index = slots[position...].firstIndex(where: { $0.name == child.name }) else {
                if let earlier = slots[..<position].firstIndex(where: { $0.name == child.name }) {
                    fail(
                        "\(path)/\(child.name)", child,
                        "is out of order: <\(slots[earlier].name)> must come before <\(slots[position].name)> (NCMEC's elements are a sequence)")
                } else {
                    fail("\(path)/\(child.name)", child, "is not an element of <\(element.name)>")
                }
                continue
            }
            position = index
            counts[index] += 1
            let slot = slots[index]
            let childPath = slot.maximum == 1 ? "\(path)/\(child.name)" : "\(path)/\(child.name)[\(counts[index])]"
            if let maximum = slot.maximum, counts[index] > maximum {
                fail(childPath, child, "may occur at most \(maximum == 1 ? "once" : "\(maximum) times")")
                continue
            }
            check(child, type: slot.type, path: childPath)
        }
        for (slot, count) in zip(slots, counts) where count < slot.minimum {
            fail("\(path)/\(slot.name)", element, "is required")
        }
    }

    private mutating func checkAttributes(_ element: MarkupElement, _ type: CybertipSchema.ElementType, _ path: String) {
        for attribute in element.attributes where !attribute.name.hasPrefix("xmlns") {
            guard let rule = type.attributes[attribute.name] else {
                fail("\(path)/@\(attribute.name)", element, "is not an attribute of <\(element.name)>")
                continue
            }
            if let problem = problem(attribute.value, rule.kind) { fail("\(path)/@\(attribute.name)", element, problem) }
        }
        for (name, rule) in type.attributes where rule.required && element[attribute: name] == nil {
            fail("\(path)/@\(name)", element, "is required")
        }
    }

    /// What is wrong with `text` as `kind`; nil when it is right.
    func problem(_ text: String, _ kind: CybertipSchema.TextKind) -> String? {
        let echoed = "'\(DisplayText.echoed(String(text.prefix(80))))'"
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }) {
            return "contains a control character"
        }
        switch kind {
        case .string(let limit):
            guard let limit, text.count > limit else { return nil }
            return limit == 0 ? "must be empty" : "is \(text.count) characters long; at most \(limit) are allowed"
        case .oneOf(let values):
            return values.contains(text) ? nil : "\(echoed) is not one of: \(values.joined(separator: "; ")) (matched exactly)"
        case .dateTime:
            return timeProblem(text, echoed)
        case .date:
            guard Timestamp.isCalendarDate(text) else { return "\(echoed) is not a date YYYY-MM-DD" }
            return Timestamp.age(bornOn: text, at: now) == nil ? "\(echoed) is in the future" : nil
        case .boolean:
            return ["true", "false", "1", "0"].contains(text) ? nil : "\(echoed) is not a boolean (true, false, 1 or 0)"
        case .integer(let range):
            guard let value = Int(text), range.contains(value) else {
                return "\(echoed) is not a whole number from \(range.lowerBound) to \(range.upperBound == Int.max ? "any" : String(range.upperBound))"
            }
            return nil
        case .ipAddress:
            return IPAddressSyntax.isValid(text) ? nil : "\(echoed) is not an IPv4 or IPv6 address"
        case .email:
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(where: \.isWhitespace) else {
                return "\(echoed) is not an email address"
            }
            if parts[0].count > 64 { return "\(echoed) has a local part longer than 64 characters" }
            return text.count > 255 ? "is longer than 255 characters" : nil
        case .country:
            return CybertipSchema.countries.contains(text)
                ? nil : "\(echoed) is not one of NCMEC's country codes (ISO 3166 alpha-2: GB, not UK)"
        case .usState:
            return CybertipSchema.usStates.contains(text) ? nil : "\(echoed) is not a US state code (use nonUsaState outside the US)"
        case .callingCode:
            let digits = text.dropFirst()
            return text.first == "+" && (1...3).contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
                ? nil : "\(echoed) is not a calling code: '+' and one to three digits, e.g. +44"
        }
    }

    private func timeProblem(_ text: String, _ echoed: String) -> String? {
        switch Timestamp.parse(text) {
        case .failure(.missingOffset):
            return "\(echoed) has no time zone: NCMEC requires every time with +hh:mm or Z"
        case .failure(.malformed):
            return "\(echoed) is not an xs:dateTime with a time zone"
        case .success(let instant) where instant < Timestamp.earliestPlausible:
            return "\(echoed) is before 1990, not a plausible time"
        case .success(let instant) where instant > now:
            return "\(echoed) is in the future (NCMEC requires times in the past)"
        case .success:
            return nil
        }
    }
}
