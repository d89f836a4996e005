package import UpliftModel

/// Feature adoption: adopters (persons with a feature event) over active persons per point.
///
/// Role 0 is the feature event, role 1 activity; a feature event counts as activity only when it
/// also matches role 1 (always the case when `active` is nil).
///
/// Rolling windows read whole local days: from the local start of the first point's window (days
/// before `from`) through the end of the range's last local day (a point's window is whole days,
/// as a calendar window is whole periods, even when `to` falls inside the day).
/// Calendar windows read their whole periods, both ends.
package enum AdoptionEngine {
    package static func request(_ query: AdoptionQuery) -> FrameRequest {
        let (from, to) = readRange(query)
        return FrameRequest(
            roles: [.init(event: query.feature, filters: query.featureFilters), .init(event: query.active, filters: query.activeFilters)],
            from: from, to: to, filters: query.scope.filters)
    }

    /// The instants the query's windows cover.
    static func readRange(_ query: AdoptionQuery) -> (Int64, Int64) {
        let calendar = query.scope.calendar
        let first = calendar.localDay(of: query.scope.from), last = calendar.localDay(of: max(query.scope.from, query.scope.to - 1))
        switch query.window {
        case .rolling(let days):
            let firstPoint = pointDays(query).first ?? first
            return (calendar.start(of: firstPoint.adding(days: -Int64(max(days, 1)) + 1)), calendar.start(of: last.adding(days: 1)))
        case .calendar(let interval):
            return (calendar.start(of: calendar.periodStart(first, interval)),
                    calendar.start(of: calendar.nextPeriod(calendar.periodStart(last, interval), interval)))
        }
    }

    /// Point days of a rolling window: every local day of the range (interval day), or the last
    /// day of each week (Sunday) / month in the range, plus the range's last day when it is not one.
    package static func pointDays(_ query: AdoptionQuery) -> [UTCDay] {
        let calendar = query.scope.calendar
        let first = calendar.localDay(of: query.scope.from), last = calendar.localDay(of: max(query.scope.from, query.scope.to - 1))
        var days: [UTCDay] = []
        var d = first
        while d <= last {
            switch query.interval {
            case .hour, .day:
                days.append(d)
                d = d.adding(days: 1)
            case .week, .month:
                let end = calendar.nextPeriod(calendar.periodStart(d, query.interval), query.interval).adding(days: -1)
                days.append(min(end, last))
                d = end.adding(days: 1)
            }
        }
        return days
    }

    package static func compute(_ frame: EventFrame, _ query: AdoptionQuery) -> AdoptionResult {
        switch query.window {
        case .rolling(let days): rolling(frame, query, days: max(days, 1))
        case .calendar(let interval): calendarWindows(frame, query, interval)
        }
    }

    /// Each active day d of a person covers the point days d … d+D−1. Per person and role, the
    /// covered day ranges are merged (days arrive sorted) and added to a difference array, so each
    /// person counts once per point.
    static func rolling(_ frame: EventFrame, _ query: AdoptionQuery, days: Int) -> AdoptionResult {
        let points = pointDays(query)
        guard let firstDay = points.first?.daysSinceEpoch, let lastDay = points.last?.daysSinceEpoch else { return AdoptionResult(series: []) }
        let span = Int(lastDay - firstDay) + 1
        let length = Int64(days)
        var adopters = [Int](repeating: 0, count: span + 1)
        var active = adopters
        var cursor = PeriodCursor(query.scope.calendar, .day)
        /// An open covered range of days per role, flushed when a gap appears.
        struct Cover { var start: Int64 = 0; var end: Int64 = .min }
        func flush(_ c: Cover, _ diff: inout [Int]) {
            guard c.end != .min else { return }
            let s = max(c.start, firstDay), e = min(c.end, lastDay)
            guard s <= e else { return }
            diff[Int(s - firstDay)] += 1
            diff[Int(e - firstDay) + 1] -= 1
        }
        for person in 0..<frame.personCount {
            var feature = Cover(), activity = Cover()
            for i in frame.rows(of: person) {
                let roles = frame.roles[i]
                guard roles & 3 != 0 else { continue }
                let d = cursor.day(of: frame.times[i])
                if roles & 1 != 0 {
                    if feature.end != .min, d <= feature.end + 1 { feature.end = max(feature.end, d + length - 1) } else {
                        flush(feature, &adopters)
                        feature = Cover(start: d, end: d + length - 1)
                    }
                }
                if roles & 2 != 0 {
                    if activity.end != .min, d <= activity.end + 1 { activity.end = max(activity.end, d + length - 1) } else {
                        flush(activity, &active)
                        activity = Cover(start: d, end: d + length - 1)
                    }
                }
            }
            flush(feature, &adopters)
            flush(activity, &active)
        }
        for k in 1..<span { adopters[k] += adopters[k - 1]; active[k] += active[k - 1] }
        return AdoptionResult(series: points.map { day in
            let k = Int(day.daysSinceEpoch - firstDay)
            return AdoptionResult.Point(date: day.description, adopters: adopters[k], active: active[k], rate: ratio(adopters[k], active[k]))
        })
    }

    /// One point per period; a person counts once per period (rows are time-sorted per person).
    static func calendarWindows(_ frame: EventFrame, _ query: AdoptionQuery, _ interval: Interval) -> AdoptionResult {
        let range = PeriodRange(query.scope, interval)
        let n = range.count
        var adopters = [Int](repeating: 0, count: n), active = adopters
        var cursor = PeriodCursor(query.scope.calendar, interval)
        for person in 0..<frame.personCount {
            var lastFeature = -1, lastActive = -1
            for i in frame.rows(of: person) {
                let roles = frame.roles[i]
                guard roles & 3 != 0 else { continue }
                let p = Int(cursor.period(of: frame.times[i]) - range.first)
                guard p >= 0, p < n else { continue }
                if roles & 1 != 0, p != lastFeature { lastFeature = p; adopters[p] += 1 }
                if roles & 2 != 0, p != lastActive { lastActive = p; active[p] += 1 }
            }
        }
        let labels = range.labels(query.scope.calendar, interval)
        return AdoptionResult(series: (0..<n).map { p in
            AdoptionResult.Point(date: labels[p], adopters: adopters[p], active: active[p], rate: ratio(adopters[p], active[p]))
        })
    }
}
