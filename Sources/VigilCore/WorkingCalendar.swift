#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The working days and hours that deadlines such as the LADO's count in: England and Wales local time
/// (GMT, and BST from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October),
/// Monday to Friday, less a list of bank holidays, within working hours.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    /// Bank holidays as local dates, `YYYY-MM-DD`.
    public var bankHolidays: Set<String>
    /// When the working day starts, minutes after local midnight.
    public var dayStartMinutes: Int
    /// When the working day ends, minutes after local midnight; "the end of a working day" is this time.
    public var dayEndMinutes: Int

    /// Creates a calendar; working hours default to 09:00–17:00.
    public init(bankHolidays: Set<String> = [], dayStartMinutes: Int = 9 * 60, dayEndMinutes: Int = 17 * 60) {
        self.bankHolidays = bankHolidays
        self.dayStartMinutes = dayStartMinutes
        self.dayEndMinutes = dayEndMinutes
    }

    private static let secondsPerDay: Int64 = 86_400

    /// True when the local day holding `date` is a working day: not a Saturday, a Sunday or a bank holiday.
    public func isWorkingDay(_ date: Date) -> Bool { isWorkingDay(localDay: Self.localDay(of: date)) }

    /// True when `date` falls within working hours of a working day; outside them social care is reached
    /// through its emergency duty team.
    public func isWorkingTime(_ date: Date) -> Bool {
        let local = Self.localSeconds(of: date)
        let day = Self.floorDiv(local, Self.secondsPerDay)
        let minute = Int((local - day * Self.secondsPerDay) / 60)
        return isWorkingDay(localDay: day) && minute >= dayStartMinutes && minute < dayEndMinutes
    }

    /// The end of the first working day after the local day holding `date` (raised on a Friday afternoon,
    /// due at the end of Monday; on the Thursday before Easter, at the end of the Tuesday after it).
    public func endOfNextWorkingDay(after date: Date) -> Date {
        var day = Self.localDay(of: date) + 1
        while !isWorkingDay(localDay: day) { day += 1 }
        let local = day * Self.secondsPerDay + Int64(dayEndMinutes) * 60
        let offset = Self.utcOffset(at: local - 3600)
        return Date(timeIntervalSince1970: TimeInterval(local - offset))
    }

    private func isWorkingDay(localDay day: Int64) -> Bool {
        let weekday = Self.floorMod(day + 4, 7)
        guard weekday != 0, weekday != 6 else { return false }
        return !bankHolidays.contains(Self.dateText(ofDay: day))
    }

    /// Seconds since the epoch on the local clock at `date`.
    private static func localSeconds(of date: Date) -> Int64 {
        let utc = Int64(date.timeIntervalSince1970.rounded(.down))
        return utc + utcOffset(at: utc)
    }

    /// Days since 1970-01-01 of the local date holding `date`.
    private static func localDay(of date: Date) -> Int64 { floorDiv(localSeconds(of: date), secondsPerDay) }

    /// The local clock's offset from UTC at the UTC instant `utc` (seconds since the epoch): an hour in
    /// British Summer Time, otherwise none.
    static func utcOffset(at utc: Int64) -> Int64 {
        let year = civil(fromDay: floorDiv(utc, secondsPerDay)).year
        let start = lastSunday(year: year, month: 3) * secondsPerDay + 3600
        let end = lastSunday(year: year, month: 10) * secondsPerDay + 3600
        return utc >= start && utc < end ? 3600 : 0
    }

    /// Days since the epoch of the last Sunday of `month` in `year`.
    private static func lastSunday(year: Int64, month: Int64) -> Int64 {
        let nextMonthFirst = month == 12 ? day(year: year + 1, month: 1, day: 1) : day(year: year, month: month + 1, day: 1)
        let last = nextMonthFirst - 1
        return last - floorMod(last + 4, 7)
    }

    /// `YYYY-MM-DD` of a day since the epoch.
    private static func dateText(ofDay day: Int64) -> String {
        let date = civil(fromDay: day)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    /// Days since the epoch of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func day(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day since the epoch (H. Hinnant's `civil_from_days`).
    static func civil(fromDay days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { (a - floorMod(a, b)) / b }

    private static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}

extension WorkingCalendar {
    /// Why a bank-holiday list was refused: the line and what is wrong with it.
    public struct ListError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line.
        public var line: Int
        /// What is wrong.
        public var reason: String

        /// Creates an error.
        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// Reads a bank-holiday list: one `YYYY-MM-DD` date per line, optionally followed by the holiday's
    /// name; blank lines and lines starting with `#` are ignored.
    public static func bankHolidays(fromList text: String) -> Result<Set<String>, ListError> {
        var days = Set<String>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.drop { $0.isWhitespace }
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let date = String(line.prefix { !$0.isWhitespace })
            let parts = date.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
                (1...12).contains(month), (1...31).contains(day),
                dateText(ofDay: Self.day(year: year, month: month, day: day)) == date
            else {
                return .failure(ListError(line: index + 1, reason: "'\(date)' is not a date (YYYY-MM-DD)"))
            }
            days.insert(date)
        }
        return .success(days)
    }
}
