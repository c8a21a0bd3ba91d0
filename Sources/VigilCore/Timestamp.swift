#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// RFC 3339 timestamps with a required offset, parsed and printed without a formatter.
public enum Timestamp {
    /// Why a timestamp was refused.
    public enum Problem: Error, Sendable, Equatable {
        case missingOffset
        case malformed
    }

    /// Parses `2024-03-01T10:15:00Z`, `2024-03-01T10:15:00.250+01:00`; an offset (at most ±14:00) is
    /// required, and the instant must fall before the year 10000 once the offset is applied.
    public static func parse(_ text: String) -> Result<Date, Problem> {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return .failure(.malformed) }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { return .failure(.malformed) }
        }
        guard index < bytes.count else { return .failure(.missingOffset) }
        var offsetSeconds = 0
        if expect("Zz") {
            offsetSeconds = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            // Offsets in use run from -12:00 to +14:00; anything past ±14:00 is a typing error.
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours * 60 + offsetMinutes <= 14 * 60,
                offsetMinutes < 60
            else { return .failure(.malformed) }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return .failure(.malformed)
        }
        guard index == bytes.count, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 61
        else { return .failure(.malformed) }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + min(second, 59) - offsetSeconds
        guard seconds <= lastFormattable else { return .failure(.malformed) }
        return .success(Date(timeIntervalSince1970: Double(seconds) + fraction))
    }

    /// 9999-12-31T23:59:59Z in seconds since 1970: the last instant `format` writes with a four-digit year.
    private static let lastFormattable = 253_402_300_799

    /// The earliest time a referral's fields may give: 1990-01-01T00:00:00Z. Nothing Vigil reads (CyberTipline
    /// reports, P2P detections, subscriber records) predates it, so an earlier year is a typing or export error.
    public static let earliestPlausible = Date(timeIntervalSince1970: 631_152_000)

    /// How far past `now` a referral's time may lie: one day, for clocks that disagree a little.
    public static let futureTolerance: TimeInterval = 86_400

    /// Whole milliseconds since 1970, as `format` writes the instant.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Prints a date as RFC 3339 in UTC, with milliseconds only when they are not zero.
    public static func format(_ date: Date) -> String {
        let totalMillis = millis(date)
        let millis = Int(((totalMillis % 1000) + 1000) % 1000)
        let seconds = (totalMillis - Int64(millis)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let secondOfDay = Int(seconds - Int64(days) * 86400)
        let (year, month, day) = civilFromDays(days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            let written = String(value).utf8
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - written.count)))
            text.append(contentsOf: written)
        }
        digits(year, 4); text.append(UInt8(ascii: "-")); digits(month, 2); text.append(UInt8(ascii: "-")); digits(day, 2)
        text.append(UInt8(ascii: "T")); digits(secondOfDay / 3600, 2); text.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2); text.append(UInt8(ascii: ":")); digits(secondOfDay % 60, 2)
        if millis != 0 {
            text.append(UInt8(ascii: "."))
            digits(millis, 3)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Checks a calendar date written `YYYY-MM-DD`.
    public static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// Whole years of age at `instant` (in UTC) of someone born on `dateOfBirth` (`YYYY-MM-DD`); nil for a
    /// malformed date or a birth after the instant.
    public static func age(bornOn dateOfBirth: String, at instant: Date) -> Int? {
        guard isCalendarDate(dateOfBirth) else { return nil }
        let parts = dateOfBirth.split(separator: "-").compactMap { Int($0) }
        let seconds = Int((instant.timeIntervalSince1970).rounded(.down))
        let (year, month, day) = civilFromDays(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let age = year - parts[0] - ((month, day) < (parts[1], parts[2]) ? 1 : 0)
        return age >= 0 ? age : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
