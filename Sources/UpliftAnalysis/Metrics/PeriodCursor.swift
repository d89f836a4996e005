import UpliftModel

/// Maps instants to local days and periods for rows visited mostly in time order (a person's
/// rows are time-sorted): it keeps the bounds of the last local day, so only a change of day costs
/// a calendar lookup. Results equal `LocalCalendar.localDay(of:)` / `periodNumber(of:_:)`.
package struct PeriodCursor {
    package let calendar: LocalCalendar
    package let interval: Interval
    /// The last day looked up, its first instant and the first instant of the next day.
    private var day: Int64 = 0
    private var dayStart: Int64 = 0
    private var dayEnd: Int64 = 0
    /// Whether `[dayStart, dayEnd)` may be trusted for the next lookup.
    private var cached = false
    private var periodDay: Int64 = .min
    private var period: Int64 = 0

    package init(_ calendar: LocalCalendar, _ interval: Interval) {
        self.calendar = calendar
        self.interval = interval
    }

    /// The local day (days since the epoch) holding `t`.
    package mutating func day(of t: Int64) -> Int64 {
        if cached, t >= dayStart, t < dayEnd { return day }
        let d = calendar.localDay(of: t)
        day = d.daysSinceEpoch
        dayStart = calendar.start(of: d)
        dayEnd = calendar.start(of: d.adding(days: 1))
        // Outside the calendar's table the bounds may not hold `t`: then do not cache.
        cached = dayStart <= t && t < dayEnd
        return day
    }

    /// The period number (as `LocalCalendar.periodNumber(of:_:)`) holding `t`.
    package mutating func period(of t: Int64) -> Int64 {
        let d = day(of: t)
        switch interval {
        case .hour: return d * 24 + (t - dayStart) / 3_600_000_000
        case .day: return d
        case .week, .month:
            if d != periodDay {
                periodDay = d
                period = calendar.periodNumber(ofDay: UTCDay(daysSinceEpoch: d), interval)
            }
            return period
        }
    }
}

/// The periods of a query's range: `first` = period of `from`, `last` = period of `to − 1`.
package struct PeriodRange {
    package let first: Int64
    package let last: Int64

    package init(_ scope: QueryScope, _ interval: Interval) {
        first = scope.calendar.periodNumber(of: scope.from, interval)
        last = max(first, scope.calendar.periodNumber(of: scope.to - 1, interval))
    }

    package var count: Int { Int(last - first + 1) }

    package func labels(_ calendar: LocalCalendar, _ interval: Interval) -> [String] {
        (first...last).map { calendar.label(periodNumber: $0, interval) }
    }

    /// Per period, whether it is partial (`QueryScope.isPartial`).
    package func partial(_ scope: QueryScope, _ interval: Interval) -> [Bool] {
        (first...last).map { scope.isPartial(periodNumber: $0, interval) }
    }
}
