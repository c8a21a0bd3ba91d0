import Foundation
import Testing
import VigilCore

@Suite("the working-day calendar of LADO deadlines and out-of-hours calls")
struct WorkingCalendarTests {
    /// England and Wales' list as Samples ships it.
    static let listed: WorkingCalendar = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/bank-holidays-england-wales.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return WorkingCalendar(bankHolidays: (try? WorkingCalendar.bankHolidays(fromList: text).get()) ?? [])
    }()

    func at(_ text: String) throws -> Date { try Timestamp.parse(text).get() }

    @Test(
        "the LADO is due at the end of the next working day, local time, across weekends and bank holidays",
        arguments: [
            ("2026-11-19T10:00:00Z", "2026-11-20T17:00:00Z"),  // Thursday morning → end of Friday (GMT)
            ("2026-11-20T15:30:00Z", "2026-11-23T17:00:00Z"),  // Friday afternoon → end of Monday
            ("2026-11-21T12:00:00Z", "2026-11-23T17:00:00Z"),  // Saturday → end of Monday
            ("2026-11-22T23:59:00Z", "2026-11-23T17:00:00Z"),  // Sunday night → end of Monday
            ("2026-12-24T16:00:00Z", "2026-12-29T17:00:00Z"),  // Christmas Eve → past Christmas, the weekend and Boxing Day's substitute
            ("2026-04-02T16:00:00Z", "2026-04-07T16:00:00Z"),  // Thursday before Easter → Tuesday after it, 17:00 BST
            ("2026-08-28T14:00:00Z", "2026-09-01T16:00:00Z"),  // Friday before the summer bank holiday → Tuesday
            ("2026-07-09T23:30:00Z", "2026-07-13T16:00:00Z"),  // 23:30 UTC on a Thursday is Friday 00:30 BST → end of Monday
        ])
    func ladoDeadline(raised: String, due: String) throws {
        let targets = ActionTargets(
            veryHigh: 86_400, high: 86_400, medium: 86_400, low: 86_400, socialCareFlag: 86_400, calendar: Self.listed)
        #expect(targets.flagDueAt(kind: .lado, raisedAt: try at(raised)) == (try at(due)))
        #expect(targets.flagDueAt(kind: .socialCare, raisedAt: try at(raised)) == (try at(raised)).addingTimeInterval(86_400))
    }

    @Test("without a bank-holiday list only weekends are skipped; the list is what moves a deadline")
    func listMatters() throws {
        let bare = WorkingCalendar()
        let christmasEve = try at("2026-12-24T16:00:00Z")
        #expect(bare.endOfNextWorkingDay(after: christmasEve) == (try at("2026-12-25T17:00:00Z")))
        #expect(Self.listed.endOfNextWorkingDay(after: christmasEve) == (try at("2026-12-29T17:00:00Z")))
        #expect(Self.listed.bankHolidays.count == 16, "England and Wales have eight bank holidays a year")
    }

    @Test("working time: weekdays 09:00–17:00 local; evenings, weekends and bank holidays are out of hours")
    func workingTime() throws {
        #expect(Self.listed.isWorkingTime(try at("2026-11-23T09:00:00Z")))
        #expect(!Self.listed.isWorkingTime(try at("2026-11-23T08:59:00Z")))
        #expect(!Self.listed.isWorkingTime(try at("2026-11-23T17:00:00Z")))
        #expect(!Self.listed.isWorkingTime(try at("2026-11-21T12:00:00Z")), "Saturday")
        #expect(!Self.listed.isWorkingTime(try at("2026-12-28T12:00:00Z")), "Boxing Day's substitute")
        #expect(Self.listed.isWorkingTime(try at("2026-07-13T15:30:00Z")), "16:30 BST")
        #expect(!Self.listed.isWorkingTime(try at("2026-07-13T16:30:00Z")), "17:30 BST")
        #expect(FlagKind.socialCare.contact(at: try at("2026-11-21T12:00:00Z"), calendar: Self.listed) == "emergency duty team")
        #expect(FlagKind.socialCare.contact(at: try at("2026-11-23T12:00:00Z"), calendar: Self.listed) == "children's social care")
    }

    @Test("a bank-holiday list names the line of a date it cannot read")
    func listErrors() {
        let good = WorkingCalendar.bankHolidays(fromList: "# comment\n\n2026-01-01 New Year's Day\n  2026-12-25\n")
        #expect((try? good.get()) == ["2026-01-01", "2026-12-25"])
        let bad = WorkingCalendar.bankHolidays(fromList: "2026-01-01\n2026-02-30 no such day\n")
        #expect(bad == .failure(WorkingCalendar.ListError(line: 2, reason: "'2026-02-30' is not a date (YYYY-MM-DD)")))
        #expect(throws: WorkingCalendar.ListError.self) { try WorkingCalendar.bankHolidays(fromList: "1 Jan 2026").get() }
    }
}
