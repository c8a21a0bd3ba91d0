import Foundation
import Testing
import VigilCore
@testable import VigilServer
import VigilStore

@Suite("trend charts")
struct TrendChartTests {
    func day(_ text: String, open: [Grade: Int], in received: Int = 0, closed: Int = 0, rebuilt: Bool = false) -> DailySnapshot {
        DailySnapshot(day: text, open: open, referralsIn: received, closed: closed, reconstructed: rebuilt)
    }

    @Test("the daily chart has one group per day, one bar per non-empty grade, rebuilt days paler, and says what it shows")
    func daily() {
        let svg = TrendCharts.openBacklog([
            day("2026-11-20", open: [.veryHigh: 2, .high: 3], rebuilt: true),
            day("2026-11-21", open: [.veryHigh: 1, .low: 4]),
            day("2026-11-22", open: [:]),
        ])
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>") && svg.contains(#"role="img""#))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 4)
        #expect(svg.components(separatedBy: #"opacity="0.45""#).count - 1 == 1)
        #expect(svg.contains("<title>2026-11-21: 1 Very High, 0 High, 0 Medium, 4 Low</title>"))
        #expect(svg.contains(#"aria-label="Open cases per day from 2026-11-20 to 2026-11-22; latest 0""#))
        #expect(TrendCharts.openBacklog([]).contains("No daily snapshot"))
    }

    @Test("the weekly chart sums days into Monday-started weeks")
    func weekly() {
        let svg = TrendCharts.weeklyFlow([
            day("2026-11-15", open: [:], in: 1, closed: 0),
            day("2026-11-16", open: [:], in: 2, closed: 1),
            day("2026-11-22", open: [:], in: 3, closed: 2),
            day("2026-11-23", open: [:], in: 5, closed: 0),
        ])
        #expect(svg.contains("<title>Week of 2026-11-09: 1 referrals received, 0 cases closed</title>"))
        #expect(svg.contains("<title>Week of 2026-11-16: 5 referrals received, 3 cases closed</title>"))
        #expect(svg.contains("<title>Week of 2026-11-23: 5 referrals received, 0 cases closed</title>"))
    }

    @Test(
        "weeks start on Monday and axis maxima are round",
        arguments: [
            ("2026-11-23", "2026-11-23"), ("2026-11-29", "2026-11-23"), ("2026-11-22", "2026-11-16"), ("1970-01-01", "1969-12-29"),
        ])
    func weekStart(day: String, monday: String) {
        #expect(TrendCharts.weekStart(day) == monday)
    }

    @Test("axis maxima", arguments: [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (250, 500), (501, 1000)])
    func niceMaximum(value: Int, expected: Int) {
        #expect(TrendCharts.niceMaximum(value) == expected)
    }
}
