#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Time allowed from the force receiving a referral to action, per grade, and for the safeguarding flags.
public struct ActionTargets: Sendable, Hashable, Codable {
    /// Target for Very High cases, seconds.
    public var veryHigh: TimeInterval
    /// Target for High cases, seconds.
    public var high: TimeInterval
    /// Target for Medium cases, seconds.
    public var medium: TimeInterval
    /// Target for Low cases, seconds.
    public var low: TimeInterval
    /// Time from raising a social-care flag to it being due, seconds.
    public var socialCareFlag: TimeInterval
    /// The working days a LADO flag's deadline counts in: it is due at the end of the next working day.
    public var calendar: WorkingCalendar

    /// Creates targets.
    public init(
        veryHigh: TimeInterval, high: TimeInterval, medium: TimeInterval, low: TimeInterval,
        socialCareFlag: TimeInterval, calendar: WorkingCalendar
    ) {
        self.veryHigh = veryHigh
        self.high = high
        self.medium = medium
        self.low = low
        self.socialCareFlag = socialCareFlag
        self.calendar = calendar
    }

    /// Very High 24 h · High 7 days · Medium 14 days · Low 30 days; social care due 24 h after raising,
    /// the LADO by the end of the next working day (weekends only: no bank holidays listed).
    public static let standard = ActionTargets(
        veryHigh: 24 * 3600, high: 7 * 86400, medium: 14 * 86400, low: 30 * 86400,
        socialCareFlag: 24 * 3600, calendar: WorkingCalendar()
    )

    /// The target for a grade.
    public func target(for grade: Grade) -> TimeInterval {
        switch grade {
        case .veryHigh: veryHigh
        case .high: high
        case .medium: medium
        case .low: low
        }
    }

    /// When a case of this grade received at `receivedAt` must be actioned.
    public func dueAt(grade: Grade, receivedAt: Date) -> Date {
        receivedAt.addingTimeInterval(target(for: grade))
    }

    /// The instant after which ageing promotes the case one band, or nil if its grade never ages.
    public func promotionAt(grade: Grade, receivedAt: Date) -> Date? {
        grade.agedPromotion == grade ? nil : dueAt(grade: grade, receivedAt: receivedAt)
    }

    /// The effective grade at `asOf`: the grade, promoted one band once the case has waited longer
    /// than its grade's target.
    public func effectiveGrade(grade: Grade, receivedAt: Date, asOf: Date) -> Grade {
        guard let promotion = promotionAt(grade: grade, receivedAt: receivedAt), asOf > promotion else { return grade }
        return grade.agedPromotion
    }

    /// When a flag of this kind raised at `raisedAt` is due: social care after `socialCareFlag`, the LADO
    /// at the end of the next working day.
    public func flagDueAt(kind: FlagKind, raisedAt: Date) -> Date {
        switch kind {
        case .socialCare: raisedAt.addingTimeInterval(socialCareFlag)
        case .lado: calendar.endOfNextWorkingDay(after: raisedAt)
        }
    }
}
