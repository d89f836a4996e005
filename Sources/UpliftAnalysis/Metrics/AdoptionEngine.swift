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
            roles: [
                .init(event: query.feature, filters: query.featureFilters),
                .init(event: query.active, filters: query.activeFilters),
            ],
            from: from, to: to, filters: query.scope.filters)
    }

    /// The instants the query's windows cover.
    package static func readRange(_ query: AdoptionQuery) -> (Int64, Int64) {
        let calendar = query.scope.calendar
        let first = calendar.localDay(of: query.scope.from)
        let last = calendar.localDay(of: max(query.scope.from, query.scope.to - 1))
        switch query.window {
        case .rolling(let days):
            let firstPoint = pointDays(query).first ?? first
            return (
                calendar.start(of: firstPoint.adding(days: -Int64(max(days, 1)) + 1)),
                calendar.start(of: last.adding(days: 1))
            )
        case .calendar(let interval):
            return (
                calendar.start(of: calendar.periodStart(first, interval)),
                calendar.start(of: calendar.nextPeriod(calendar.periodStart(last, interval), interval))
            )
        }
    }

    /// Point days of a rolling window: every local day of the range (interval day), or one day per
    /// week / month of the range: its last day (Sunday, the month's last), or the range's last day
    /// when the range ends inside it. Each point is labelled by its period's first day, and a
    /// period cut by the range is partial.
    package static func pointDays(_ query: AdoptionQuery) -> [UTCDay] {
        let calendar = query.scope.calendar
        let first = calendar.localDay(of: query.scope.from)
        let last = calendar.localDay(of: max(query.scope.from, query.scope.to - 1))
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

    /// The days a rolling adoption reads: its points, and from the first point's window start on.
    package struct DayLayout: Sendable {
        let points: [UTCDay]
        let firstPoint: Int64
        let lastPoint: Int64
        let length: Int64
        /// The first local day read (the first point's window start) and how many days are read.
        let firstRead: Int64
        let dayCount: Int

        package init(_ query: AdoptionQuery, days: Int) {
            points = pointDays(query)
            length = Int64(max(days, 1))
            firstPoint = points.first?.daysSinceEpoch ?? 0
            lastPoint = points.last?.daysSinceEpoch ?? -1
            firstRead = firstPoint - length + 1
            dayCount = max(0, Int(lastPoint - firstRead) + 1)
        }
    }

    /// Per person code and role (0: feature, 1: activity), the local days with a matching row, as bits.
    package struct DayBits: RowAccumulator {
        let layout: DayLayout
        let words: Int
        private(set) var bits: [UInt64]
        private var cursor: PeriodCursor

        package init(_ layout: DayLayout, _ calendar: LocalCalendar, personCodes: Int) {
            self.layout = layout
            words = (layout.dayCount + 63) / 64
            bits = [UInt64](repeating: 0, count: personCodes * 2 * words)
            cursor = PeriodCursor(calendar, .day)
        }

        package mutating func add(time: Int64, roles: UInt32, person: Int32) {
            guard roles & 3 != 0 else { return }
            let offset = Int(cursor.day(of: time) - layout.firstRead)
            guard offset >= 0, offset < layout.dayCount else { return }
            let base = Int(person) * 2 * words + offset >> 6
            let bit = UInt64(1) << UInt64(offset & 63)
            bits.withUnsafeMutableBufferPointer { bits in
                if roles & 1 != 0 { bits[base] |= bit }
                if roles & 2 != 0 { bits[base + words] |= bit }
            }
        }

        package mutating func merge(_ other: DayBits) {
            bits.withUnsafeMutableBufferPointer { bits in
                other.bits.withUnsafeBufferPointer { o in
                    for i in 0..<bits.count { bits[i] |= o[i] }
                }
            }
        }

        var personCodes: Int { words == 0 ? 0 : bits.count / (2 * words) }

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

    /// Each active day d of a person covers the point days d … d+D−1. Per person and role, the
    /// covered day ranges are merged (days come out in order) and added to a difference array, so
    /// each person counts once per point.
    package static func rolling(_ days: DayBits, _ query: AdoptionQuery, _ layout: DayLayout) -> AdoptionResult {
        let (firstDay, lastDay, length) = (layout.firstPoint, layout.lastPoint, layout.length)
        guard !layout.points.isEmpty else { return AdoptionResult(series: []) }
        let span = Int(lastDay - firstDay) + 1
        var adopters = [Int](repeating: 0, count: span + 1)
        var active = adopters
        func add(_ role: Int, _ code: Int, _ diff: inout [Int]) {
            var start: Int64 = 0
            var end: Int64 = .min
            func flush() {
                guard end != .min else { return }
                let s = max(start, firstDay)
                let e = min(end, lastDay)
                guard s <= e else { return }
                diff[Int(s - firstDay)] += 1
                diff[Int(e - firstDay) + 1] -= 1
            }
            days.forEachDay(role: role, code: code) { offset in
                let d = layout.firstRead + Int64(offset)
                if end != .min, d <= end + 1 {
                    end = max(end, d + length - 1)
                } else {
                    flush()
                    start = d
                    end = d + length - 1
                }
            }
            flush()
        }
        for code in 0..<days.personCodes {
            add(0, code, &adopters)
            add(1, code, &active)
        }
        for k in 1..<span {
            adopters[k] += adopters[k - 1]
            active[k] += active[k - 1]
        }
        // A point is labelled by its period's first day, as every series is (`pointDays`).
        let calendar = query.scope.calendar
        return AdoptionResult(
            series: layout.points.map { day in
                let k = Int(day.daysSinceEpoch - firstDay)
                return AdoptionResult.Point(
                    date: calendar.periodStart(day, query.interval).description, adopters: adopters[k],
                    active: active[k], rate: ratio(adopters[k], active[k]))
            })
    }

    /// Calendar windows, from a frame (rolling windows fold rows into `DayBits` instead: see
    /// `AnalysisEngine.adoption`). One point per period; a person counts once per period (rows are time-sorted per person).
    package static func calendarWindows(
        _ frame: EventFrame, _ query: AdoptionQuery, _ interval: Interval
    ) -> AdoptionResult {
        let range = PeriodRange(query.scope, interval)
        let n = range.count
        var adopters = [Int](repeating: 0, count: n)
        var active = adopters
        var cursor = PeriodCursor(query.scope.calendar, interval)
        for person in 0..<frame.personCount {
            var lastFeature = -1
            var lastActive = -1
            for i in frame.rows(of: person) {
                let roles = frame.roles[i]
                guard roles & 3 != 0 else { continue }
                let p = Int(cursor.period(of: frame.times[i]) - range.first)
                guard p >= 0, p < n else { continue }
                if roles & 1 != 0, p != lastFeature {
                    lastFeature = p
                    adopters[p] += 1
                }
                if roles & 2 != 0, p != lastActive {
                    lastActive = p
                    active[p] += 1
                }
            }
        }
        let labels = range.labels(query.scope.calendar, interval)
        return AdoptionResult(
            series: (0..<n).map { p in
                AdoptionResult.Point(
                    date: labels[p], adopters: adopters[p], active: active[p], rate: ratio(adopters[p], active[p]))
            })
    }
}
