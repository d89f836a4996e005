package import UpliftAnalysis
package import UpliftModel

extension ReferenceMetrics {
    /// Rolling windows count events by local day (whole days, even past `to` on the last day);
    /// calendar windows count whole periods.
    package static func adoption(_ q: AdoptionQuery, events: [Event], links: [String: String]) -> AdoptionResult {
        let cal = q.scope.calendar
        let feature = events.filter { matches($0, q.feature, q.featureFilters, q.scope.filters) }
        let active = events.filter { matches($0, q.active, q.activeFilters, q.scope.filters) }
        switch q.window {
        case .rolling(let days):
            let first = cal.localDay(of: q.scope.from)
            let last = cal.localDay(of: q.scope.to - 1)
            var points: [UTCDay] = []
            var d = first
            while d <= last {
                let next = d.adding(days: 1)
                let isEnd =
                    switch q.interval {
                    case .hour, .day: true
                    case .week: d.weekday == 6
                    case .month: next.components.day == 1
                    }
                if isEnd || d == last { points.append(d) }
                d = next
            }
            return AdoptionResult(
                series: points.map { point in
                    let window = (point.daysSinceEpoch - Int64(days) + 1)...point.daysSinceEpoch
                    let adopters = Set(
                        feature.filter { window.contains(cal.localDay(of: $0.timestamp).daysSinceEpoch) }.map {
                            person($0, links)
                        }
                    ).count
                    let actives = Set(
                        active.filter { window.contains(cal.localDay(of: $0.timestamp).daysSinceEpoch) }.map {
                            person($0, links)
                        }
                    ).count
                    // Labelled by the first day of the point's period (the week's Monday, the month's 1st).
                    let period = cal.periodNumber(ofDay: point, q.interval)
                    return AdoptionResult.Point(
                        date: cal.label(periodNumber: period, q.interval), adopters: adopters, active: actives,
                        rate: ratio(adopters, actives), partial: partial(q.scope, q.interval, period))
                })
        case .calendar(let interval):
            return AdoptionResult(
                series: periods(q.scope, interval).map { p in
                    let adopters = Set(
                        feature.filter { cal.periodNumber(of: $0.timestamp, interval) == p }.map { person($0, links) }
                    ).count
                    let actives = Set(
                        active.filter { cal.periodNumber(of: $0.timestamp, interval) == p }.map { person($0, links) }
                    ).count
                    return AdoptionResult.Point(
                        date: cal.label(periodNumber: p, interval), adopters: adopters, active: actives,
                        rate: ratio(adopters, actives), partial: partial(q.scope, interval, p))
                })
        }
    }
}
