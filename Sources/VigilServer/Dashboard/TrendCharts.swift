import Foundation
import VigilCore
import VigilStore

/// The dashboard's trend charts as server-rendered SVG (no JavaScript), drawn from daily snapshots.
enum TrendCharts {
    private static let width = 640.0
    private static let height = 220.0
    private static let left = 44.0
    private static let bottom = 26.0
    private static let top = 10.0
    private static let gradeColours: [(Grade, String)] = [(.veryHigh, "#8f1d21"), (.high, "#c4501b"), (.medium, "#b88a00"), (.low, "#3f6e9e")]

    /// Stacked bars of the open backlog per day, Very High at the base; rebuilt days drawn paler.
    static func openBacklog(_ days: [DailySnapshot]) -> String {
        guard !days.isEmpty else { return empty("No daily snapshot recorded yet.") }
        let totals = days.map { $0.open.values.reduce(0, +) }
        let scale = niceMaximum(totals.max() ?? 0)
        let slot = (width - left) / Double(days.count)
        var svg = open(label: "Open cases per day from \(days[0].day) to \(days[days.count - 1].day); latest \(totals.last ?? 0)")
        svg += axis(maximum: scale)
        for (index, day) in days.enumerated() {
            let x = left + Double(index) * slot
            var base = height - bottom
            let summary = gradeColours.map { "\(day.open[$0.0] ?? 0) \($0.0.label)" }.joined(separator: ", ")
            svg +=
                ##"<g\##(day.reconstructed ? ##" opacity="0.45""## : "")><title>\##(day.day): \##(summary)\##(day.reconstructed ? " (rebuilt)" : "")</title>"##
            for (grade, colour) in gradeColours {
                let barHeight = plotHeight * Double(day.open[grade] ?? 0) / Double(scale)
                guard barHeight > 0 else { continue }
                base -= barHeight
                svg += rect(x: x + slot * 0.1, y: base, width: max(slot * 0.8, 1), height: barHeight, colour: colour)
            }
            svg += "</g>"
        }
        svg += dayLabels(days.map(\.day), slot: slot)
        return svg + "</svg>"
    }

    /// Paired bars per week (weeks start on Monday): referrals received and cases closed.
    static func weeklyFlow(_ days: [DailySnapshot]) -> String {
        var weeks: [(start: String, received: Int, closed: Int)] = []
        for day in days {
            let start = weekStart(day.day)
            if weeks.last?.start == start {
                weeks[weeks.count - 1].received += day.referralsIn
                weeks[weeks.count - 1].closed += day.closed
            } else {
                weeks.append((start, day.referralsIn, day.closed))
            }
        }
        guard !weeks.isEmpty else { return empty("No daily snapshot recorded yet.") }
        let scale = niceMaximum(weeks.map { max($0.received, $0.closed) }.max() ?? 0)
        let slot = (width - left) / Double(weeks.count)
        var svg = open(label: "Referrals received and cases closed per week over \(weeks.count) weeks")
        svg += axis(maximum: scale)
        for (index, week) in weeks.enumerated() {
            let x = left + Double(index) * slot
            let received = plotHeight * Double(week.received) / Double(scale)
            let closed = plotHeight * Double(week.closed) / Double(scale)
            svg += "<g><title>Week of \(week.start): \(week.received) referrals received, \(week.closed) cases closed</title>"
            svg += rect(x: x + slot * 0.12, y: height - bottom - received, width: slot * 0.36, height: received, colour: "#1f4f8a")
            svg += rect(x: x + slot * 0.52, y: height - bottom - closed, width: slot * 0.36, height: closed, colour: "#5aa469")
            svg += "</g>"
        }
        svg += dayLabels(weeks.map(\.start), slot: slot)
        return svg + "</svg>"
    }

    private static var plotHeight: Double { height - bottom - top }

    private static func open(label: String) -> String {
        ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" role="img" aria-label="\##(escape(label))">"##
    }

    private static func empty(_ message: String) -> String {
        ##"<p class="muted">\##(escape(message))</p>"##
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, colour: String) -> String {
        ##"<rect x="\##(format(x))" y="\##(format(y))" width="\##(format(width))" height="\##(format(height))" fill="\##(colour)"/>"##
    }

    /// Gridlines and labels at 0, half and the maximum.
    private static func axis(maximum: Int) -> String {
        [0, maximum / 2, maximum].map { value in
            let y = height - bottom - plotHeight * Double(value) / Double(maximum)
            return ##"<line x1="\##(Int(left))" x2="\##(Int(width))" y1="\##(format(y))" y2="\##(format(y))" stroke="#d8dce3"/>"##
                + ##"<text x="\##(Int(left) - 6)" y="\##(format(y + 4))" font-size="11" text-anchor="end" fill="#5b6475">\##(value)</text>"##
        }.joined()
    }

    /// The first, middle and last labels under the bars.
    private static func dayLabels(_ labels: [String], slot: Double) -> String {
        Set([0, labels.count / 2, labels.count - 1]).sorted().map { index in
            let x = left + (Double(index) + 0.5) * slot
            let anchor = index == 0 ? "start" : (index == labels.count - 1 ? "end" : "middle")
            return
                ##"<text x="\##(format(index == 0 ? left : (index == labels.count - 1 ? width : x)))" y="\##(Int(height) - 8)" font-size="11" text-anchor="\##(anchor)" fill="#5b6475">\##(labels[index])</text>"##
        }.joined()
    }

    /// A round axis maximum at or above `value` (1, 2 or 5 times a power of ten).
    static func niceMaximum(_ value: Int) -> Int {
        var power = 1
        while true {
            for step in [1, 2, 5] where step * power >= max(value, 1) { return step * power }
            power *= 10
        }
    }

    /// The Monday (`YYYY-MM-DD`) of the week holding `day`.
    static func weekStart(_ day: String) -> String {
        guard case .success(let date) = Timestamp.parse(day + "T00:00:00Z") else { return day }
        let days = Int(date.timeIntervalSince1970 / 86_400)
        let weekday = (days + 3) % 7
        return DayText.format(date.addingTimeInterval(-Double(weekday) * 86_400))
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}
