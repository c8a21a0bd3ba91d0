#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VigilCore

/// Reads typed fields out of a JSON record, collecting one `FieldError` per bad field so that a record
/// reports every problem at once.
struct FieldReader {
    /// The problems found so far.
    private(set) var errors: [FieldError] = []
    /// The latest plausible time a field may give (the import's now plus `Timestamp.futureTolerance`).
    let latest: Date

    /// A reader for a record imported at `now`.
    init(now: Date) {
        latest = now.addingTimeInterval(Timestamp.futureTolerance)
    }

    /// Records a problem.
    mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    /// The member `key` of `object`, nil when missing or null (the two mean the same: unknown).
    func member(_ object: JSONValue?, _ key: String) -> JSONValue? {
        guard let value = object?[key], !value.isNull else { return nil }
        return value
    }

    /// An optional object; anything else but an object is an error.
    mutating func object(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, required: Bool = false) -> JSONValue? {
        guard let value = member(parent, key) else {
            if required { fail(path(), "is required") }
            return nil
        }
        guard case .object = value else {
            fail(path(), "must be an object")
            return nil
        }
        return value
    }

    /// An optional array's elements; anything else but an array is an error.
    mutating func array(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String) -> [JSONValue] {
        guard let value = member(parent, key) else { return [] }
        guard case .array(let items) = value else {
            fail(path(), "must be an array")
            return []
        }
        return items
    }

    /// A string; `required` makes a missing or empty one an error.
    mutating func string(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, required: Bool = false) -> String? {
        guard let value = member(parent, key) else {
            if required { fail(path(), "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(path(), "must be a string")
            return nil
        }
        if text.utf8.contains(0) {
            fail(path(), "contains a NUL character")
            return nil
        }
        if required, text.isEmpty {
            fail(path(), "must not be empty")
            return nil
        }
        return text
    }

    /// A string or an integer, read as text (ids such as `reportId` and `espUserId` come as either).
    mutating func identifier(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, required: Bool = false) -> String? {
        switch member(parent, key) {
        case .string(let text) where text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }):
            fail(path(), "contains a control character")
            return nil
        case .string(let text) where !text.isEmpty: return text
        case .number(let text) where Int64(text) != nil: return text
        case nil:
            if required { fail(path(), "is required") }
            return nil
        default:
            fail(path(), "must be a non-empty string or an integer")
            return nil
        }
    }

    /// `true`, `false`, or nil for null/missing.
    mutating func bool(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String) -> Bool? {
        guard let value = member(parent, key) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default:
            fail(path(), "must be true, false or null")
            return nil
        }
    }

    /// An integer in `range`; a string of digits is accepted too (CSV cells are text).
    mutating func integer(
        _ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, in range: ClosedRange<Int>,
        required: Bool = false
    ) -> Int? {
        guard let value = member(parent, key) else {
            if required { fail(path(), "is required") }
            return nil
        }
        let parsed: Int?
        switch value {
        case .number(let text): parsed = Int(text)
        case .string(let text): parsed = Int(text.filter { $0 != " " })
        default: parsed = nil
        }
        guard let number = parsed, range.contains(number) else {
            fail(
                path(),
                range.upperBound == Int.max
                    ? "must be an integer of at least \(range.lowerBound)"
                    : "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    /// An RFC 3339 timestamp with an explicit offset, from 1990 to a day after the import.
    mutating func timestamp(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, required: Bool = false) -> Date? {
        guard let text = string(parent, key, at: path(), required: required) else { return nil }
        switch Timestamp.parse(text) {
        case .success(let date) where date < Timestamp.earliestPlausible:
            fail(path(), "'\(DisplayText.echoed(text))' is before 1990, not a plausible time")
        case .success(let date) where date > latest:
            fail(path(), "'\(DisplayText.echoed(text))' is more than a day in the future")
        case .success(let date): return date
        case .failure(.missingOffset):
            fail(path(), "timestamp '\(DisplayText.echoed(text))' has no time zone offset (add Z or +01:00)")
        case .failure(.malformed):
            fail(path(), "'\(DisplayText.echoed(text))' is not an RFC 3339 timestamp")
        }
        return nil
    }

    /// A calendar date `YYYY-MM-DD`.
    mutating func date(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String) -> String? {
        guard let text = string(parent, key, at: path()) else { return nil }
        guard Timestamp.isCalendarDate(text) else {
            fail(path(), "'\(DisplayText.echoed(text))' is not a date YYYY-MM-DD")
            return nil
        }
        return text
    }

    /// One of `options`, matched case-insensitively and returned as spelled in `options`.
    mutating func choice(
        _ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, from options: [String],
        required: Bool = false
    ) -> String? {
        guard let text = string(parent, key, at: path(), required: required) else { return nil }
        guard let match = options.first(where: { $0.lowercased() == text.lowercased() }) else {
            fail(path(), "'\(DisplayText.echoed(text))' is not one of \(options.joined(separator: ", "))")
            return nil
        }
        return match
    }

    /// A reference: 1–64 of `[A-Za-z0-9._-]`.
    mutating func reference(_ parent: JSONValue?, _ key: String, required: Bool = true) -> String? {
        guard let text = string(parent, key, at: key, required: required) else { return nil }
        guard Self.isReference(text) else {
            fail(key, Self.referenceRule)
            return nil
        }
        return text
    }

    /// Whether `text` is a reference: 1–64 of `[A-Za-z0-9._-]` (a record's ref, in every format).
    static func isReference(_ text: String) -> Bool {
        let allowed = text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        return allowed && (1...64).contains(text.utf8.count)
    }

    /// What a reference must be, in words.
    static let referenceRule = "must be 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'"

    /// An IPv4 or IPv6 address.
    mutating func ipAddress(_ parent: JSONValue?, _ key: String, at path: @autoclosure () -> String, required: Bool = false) -> String? {
        guard let text = string(parent, key, at: path(), required: required) else { return nil }
        guard IPAddressSyntax.isValid(text) else {
            fail(path(), "'\(DisplayText.echoed(text))' is not an IPv4 or IPv6 address")
            return nil
        }
        return text
    }
}
