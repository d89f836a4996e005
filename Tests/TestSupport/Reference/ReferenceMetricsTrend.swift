package import UpliftAnalysis
package import UpliftModel

extension ReferenceMetrics {
    package static func trend(_ q: TrendQuery, events: [Event], links: [String: String]) -> TrendResult {
        let cal = q.scope.calendar
        let counted = events.filter { e in
            e.timestamp >= q.scope.from && e.timestamp < q.scope.to
                && matches(e, q.event, q.eventFilters, q.scope.filters)
        }
        let periods = periods(q.scope, q.interval)
        func measure(_ list: [Event]) -> Double {
            switch q.measure {
            case .events: return Double(list.count)
            case .persons: return Double(Set(list.map { person($0, links) }).count)
            case .sum, .average:
                let numbers = list.compactMap { e in q.property.flatMap { number(e, $0) } }
                let sum = numbers.reduce(0, +)
                return q.measure == .sum ? sum : (numbers.isEmpty ? 0 : sum / Double(numbers.count))
            }
        }
        func series(_ list: [Event]) -> [TrendResult.Point] {
            periods.map { p in
                TrendResult.Point(
                    date: cal.label(periodNumber: p, q.interval),
                    value: measure(list.filter { cal.periodNumber(of: $0.timestamp, q.interval) == p }),
                    partial: partial(q.scope, q.interval, p))
            }
        }
        var result = TrendResult(points: series(counted), total: measure(counted), breakdown: [])
        guard let breakdown = q.breakdown else { return result }
        var values: [String?] = []
        for e in counted where !values.contains(text(e, breakdown)) { values.append(text(e, breakdown)) }
        let ranked = values.map { v in (v, measure(counted.filter { text($0, breakdown) == v })) }.sorted { a, b in
            if a.1 != b.1 { return a.1 > b.1 }
            switch (a.0, b.0) {
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return x < y
            }
        }
        let top = ranked.prefix(TrendQuery.maxBreakdownValues).map(\.0)
        for v in top {
            let list = counted.filter { text($0, breakdown) == v }
            result.breakdown.append(
                TrendResult.Series(value: v, isOther: false, points: series(list), total: measure(list)))
        }
        if ranked.count > top.count {
            let list = counted.filter { !top.contains(text($0, breakdown)) }
            result.breakdown.append(
                TrendResult.Series(value: nil, isOther: true, points: series(list), total: measure(list)))
        }
        return result
    }
}
