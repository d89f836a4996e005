package import UpliftModel

/// Ticks for a time axis of days: daily for short spans, weekly (Mondays) for a few months,
/// monthly (the 1st) beyond, thinned to at most `maxTicks` labels.
package struct DateAxis: Sendable, Hashable {
    package enum Granularity: String, Sendable { case day, week, month }
    package let first: UTCDay
    package let last: UTCDay
    package let granularity: Granularity
    package let ticks: [UTCDay]

    package init(first: UTCDay, last: UTCDay, maxTicks: Int = 8) {
        let (a, b) = first <= last ? (first, last) : (last, first)
        self.first = a
        self.last = b
        let span = b.daysSinceEpoch - a.daysSinceEpoch
        let limit = max(2, maxTicks)
        var candidates: [UTCDay] = []
        if span <= 21 {
            granularity = .day
            candidates = (0...span).map { a.adding(days: $0) }
        } else if span <= 140 {
            granularity = .week
            let toMonday = Int64((7 - a.weekday) % 7)
            var d = a.adding(days: toMonday)
            while d <= b {
                candidates.append(d)
                d = d.adding(days: 7)
            }
        } else {
            granularity = .month
            var (y, m, _) = a.components
            if a.components.day != 1 { (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1) }
            while let d = UTCDay(year: y, month: m, day: 1), d <= b {
                candidates.append(d)
                (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
            }
        }
        // Keep every k-th candidate so labels never crowd.
        let every = max(1, (candidates.count + limit - 1) / limit)
        ticks = stride(from: 0, to: candidates.count, by: every).map { candidates[$0] }
    }

    /// Maps a day to the pixel range `from…to`.
    package func position(_ day: UTCDay, from: Double, to: Double) -> Double {
        let span = Double(last.daysSinceEpoch - first.daysSinceEpoch)
        guard span > 0 else { return (from + to) / 2 }
        return from + Double(day.daysSinceEpoch - first.daysSinceEpoch) / span * (to - from)
    }

    /// `Nov 3` for days and weeks, `Nov 2026` for months (`Jan` ticks always carry the year).
    package func label(_ day: UTCDay) -> String {
        let c = day.components
        let month = Self.monthNames[c.month - 1]
        switch granularity {
        case .day, .week: return "\(month) \(c.day)"
        case .month: return "\(month) \(c.year)"
        }
    }

    /// `2026-11-03 (Tue)`-free short form used in descriptions: `Nov 3, 2026`.
    package static func long(_ day: UTCDay) -> String {
        let c = day.components
        return "\(monthNames[c.month - 1]) \(c.day), \(c.year)"
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
