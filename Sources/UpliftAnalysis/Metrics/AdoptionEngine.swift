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
        var request = FrameRequest(
            roles: [.init(event: query.feature, filters: query.featureFilters), .init(event: query.active, filters: query.activeFilters)],
            from: from, to: to, filters: query.scope.filters)
        // Adoption needs the days each person was active, not their rows in order: rows in storage
        // order with their person's code, reduced to a bitset of days per person (see `rolling`).
        request.groupByPerson = false
        request.personPerRow = true
        return request
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

    /// Each active day d of a person covers the point days d … d+D−1. The rows set, per person code
    /// and role, a bit per local day read; then per person the covered day ranges are merged (bits come
    /// out in day order) and added to a difference array, so each person counts once per point.
    static func rolling(_ frame: EventFrame, _ query: AdoptionQuery, days: Int) -> AdoptionResult {
        let points = pointDays(query)
        guard let firstDay = points.first?.daysSinceEpoch, let lastDay = points.last?.daysSinceEpoch else { return AdoptionResult(series: []) }
        let span = Int(lastDay - firstDay) + 1
        let length = Int64(days)
        // Days read: from the first point's window start through the last point.
        let readFirst = firstDay - length + 1
        let dayBits = DayBits(frame, query.scope.calendar, firstDay: readFirst, dayCount: Int(lastDay - readFirst) + 1)
        var adopters = [Int](repeating: 0, count: span + 1)
        var active = adopters
        func add(_ role: Int, _ code: Int, _ diff: inout [Int]) {
            // Merge the covers [d, d + length − 1] of the person's days, clipped to the points.
            var start: Int64 = 0, end: Int64 = .min
            func flush() {
                guard end != .min else { return }
                let s = max(start, firstDay), e = min(end, lastDay)
                guard s <= e else { return }
                diff[Int(s - firstDay)] += 1
                diff[Int(e - firstDay) + 1] -= 1
            }
            dayBits.forEachDay(role: role, code: code) { offset in
                let d = readFirst + Int64(offset)
                if end != .min, d <= end + 1 { end = max(end, d + length - 1) } else {
                    flush()
                    start = d
                    end = d + length - 1
                }
            }
            flush()
        }
        for code in 0..<frame.personCodeCount where dayBits.any(code) {
            add(0, code, &adopters)
            add(1, code, &active)
        }
        for k in 1..<span { adopters[k] += adopters[k - 1]; active[k] += active[k - 1] }
        return AdoptionResult(series: points.map { day in
            let k = Int(day.daysSinceEpoch - firstDay)
            return AdoptionResult.Point(date: day.description, adopters: adopters[k], active: active[k], rate: ratio(adopters[k], active[k]))
        })
    }

    /// One point per period; a person counts once per period (a bitset over person codes per period and role).
    static func calendarWindows(_ frame: EventFrame, _ query: AdoptionQuery, _ interval: Interval) -> AdoptionResult {
        let range = PeriodRange(query.scope, interval)
        let n = range.count
        let words = (frame.personCodeCount + 63) / 64
        var seen = [UInt64](repeating: 0, count: 2 * n * words)
        var cursor = PeriodCursor(query.scope.calendar, interval)
        for i in 0..<frame.rowCount {
            let roles = frame.roles[i]
            guard roles & 3 != 0 else { continue }
            let p = Int(cursor.period(of: frame.times[i]) - range.first)
            guard p >= 0, p < n else { continue }
            let code = Int(frame.rowPersons[i])
            let bit = UInt64(1) << UInt64(code & 63)
            if roles & 1 != 0 { seen[p * words + code >> 6] |= bit }
            if roles & 2 != 0 { seen[(n + p) * words + code >> 6] |= bit }
        }
        func count(_ row: Int) -> Int { seen[(row * words)..<((row + 1) * words)].reduce(0) { $0 + $1.nonzeroBitCount } }
        let labels = range.labels(query.scope.calendar, interval)
        return AdoptionResult(series: (0..<n).map { p in
            let adopters = count(p), active = count(n + p)
            return AdoptionResult.Point(date: labels[p], adopters: adopters, active: active, rate: ratio(adopters, active))
        })
    }
}

/// Per person code and role (0: feature, 1: activity), the local days with a matching row, as bits.
struct DayBits {
    let words: Int
    private(set) var bits: [UInt64]

    init(_ frame: EventFrame, _ calendar: LocalCalendar, firstDay: Int64, dayCount: Int) {
        words = (dayCount + 63) / 64
        bits = [UInt64](repeating: 0, count: frame.personCodeCount * 2 * words)
        var cursor = PeriodCursor(calendar, .day)
        let words = self.words
        bits.withUnsafeMutableBufferPointer { bits in
            frame.times.withUnsafeBufferPointer { times in
                frame.roles.withUnsafeBufferPointer { roles in
                    frame.rowPersons.withUnsafeBufferPointer { persons in
                        for i in 0..<times.count {
                            let r = roles[i]
                            guard r & 3 != 0 else { continue }
                            let offset = Int(cursor.day(of: times[i]) - firstDay)
                            guard offset >= 0, offset < dayCount else { continue }
                            let base = Int(persons[i]) * 2 * words + offset >> 6
                            let bit = UInt64(1) << UInt64(offset & 63)
                            if r & 1 != 0 { bits[base] |= bit }
                            if r & 2 != 0 { bits[base + words] |= bit }
                        }
                    }
                }
            }
        }
    }

    /// Whether the person has any day in either role.
    func any(_ code: Int) -> Bool {
        let base = code * 2 * words
        for w in base..<(base + 2 * words) where bits[w] != 0 { return true }
        return false
    }

    /// Calls `body` with each day offset of the role, in increasing order.
    func forEachDay(role: Int, code: Int, _ body: (Int) -> Void) {
        let base = code * 2 * words + role * words
        for w in 0..<words {
            var word = bits[base + w]
            while word != 0 {
                body(w * 64 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }
}
