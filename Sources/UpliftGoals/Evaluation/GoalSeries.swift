import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// A goal's metric as one value per period, computed with the aggregation engine's queries.
///
/// `periods` are the first days of the periods, `scope` covers them exactly (from the first's start
/// to the end of the last); only complete periods are asked for, so the last value is not a
/// partial week.
struct GoalSeries {
    let engine: AnalysisEngine
    let snapshot: Snapshot
    let links: [String: String]
    let scope: QueryScope
    let periods: [UTCDay]

    func values(_ goal: Goal) throws(UpliftError) -> [Double?] {
        let labels = periods.map(\.description)
        func aligned(_ pairs: [(String, Double?)]) -> [Double?] {
            var byDate: [String: Double?] = [:]
            for (d, v) in pairs { byDate[d] = v }
            return labels.map { byDate[$0] ?? nil }
        }
        switch goal.metric {
        case .adoptionRate:
            let q = AdoptionQuery(scope: scope, feature: goal.feature ?? "", active: goal.active,
                                  window: .calendar(goal.interval), interval: goal.interval)
            let r = try engine.adoption(q, snapshot: snapshot, links: links)
            return aligned(r.series.map { ($0.date, $0.active > 0 ? $0.rate : nil) })
        case .uniquePersons, .events, .propertySum:
            let measure: TrendQuery.Measure = goal.metric == .events ? .events : goal.metric == .uniquePersons ? .persons : .sum
            let q = TrendQuery(scope: scope, event: goal.event, measure: measure, property: goal.property.map(PropertyRef.init), interval: goal.interval)
            return aligned(try engine.trend(q, snapshot: snapshot, links: links).points.map { ($0.date, $0.value) })
        case .propertyAverage:
            // An average over no events is no value, not zero: count the events alongside.
            let property = goal.property.map(PropertyRef.init)
            let q = TrendQuery(scope: scope, event: goal.event, measure: .average, property: property, interval: goal.interval)
            let counts = TrendQuery(scope: scope, event: goal.event, measure: .events, interval: goal.interval)
            let n = aligned(try engine.trend(counts, snapshot: snapshot, links: links).points.map { ($0.date, $0.value) })
            let v = aligned(try engine.trend(q, snapshot: snapshot, links: links).points.map { ($0.date, $0.value) })
            return zip(v, n).map { value, count in (count ?? 0) > 0 ? value : nil }
        case .funnelConversion:
            return try funnel(goal, labels: labels)
        case .retention:
            return try retention(goal)
        case .nps, .csat:
            return try feedback(goal, aligned: aligned)
        }
    }

    /// Conversion by the period of each attempt's first step. The engine reports it per day or week;
    /// months are one funnel query each. A period whose attempts have not all had the whole window
    /// before the range's end has no value yet: its conversion would read low (censored).
    private func funnel(_ goal: Goal, labels: [String]) throws(UpliftError) -> [Double?] {
        let window = goal.window ?? TimeLength(days: 14)
        let values = try funnelValues(goal, window: window, labels: labels)
        return values.enumerated().map { i, v in
            let end = scope.calendar.start(of: scope.calendar.nextPeriod(periods[i], goal.interval))
            return end + window.microseconds <= scope.to ? v : nil
        }
    }

    private func funnelValues(_ goal: Goal, window: TimeLength, labels: [String]) throws(UpliftError) -> [Double?] {
        if goal.interval != .month {
            let q = FunnelQuery(scope: scope, steps: goal.steps, window: window, conversionInterval: goal.interval)
            let r = try engine.funnel(q, snapshot: snapshot, links: links)
            var byDate: [String: Double?] = [:]
            for p in r.conversionOverTime { byDate[p.date] = p.entered > 0 ? p.rate : nil }
            return labels.map { byDate[$0] ?? nil }
        }
        var out: [Double?] = []
        for (i, start) in periods.enumerated() {
            let end = i + 1 < periods.count ? periods[i + 1] : scope.calendar.nextPeriod(start, .month)
            var s = scope
            s.from = scope.calendar.start(of: start)
            s.to = scope.calendar.start(of: end)
            let r = try engine.funnel(FunnelQuery(scope: s, steps: goal.steps, window: window), snapshot: snapshot, links: links)
            out.append((r.steps.first?.persons ?? 0) > 0 ? r.steps.last?.conversionFromStart : nil)
        }
        return out
    }

    /// Day-N retention of the daily cohorts whose day falls in each period: persons back on day N
    /// over the persons of the cohorts whose day N lies within the range (younger cohorts are left
    /// out, so the latest periods have no value until their cohorts are N days old).
    private func retention(_ goal: Goal) throws(UpliftError) -> [Double?] {
        let n = goal.day ?? 1
        let q = RetentionQuery(scope: scope, cohortEvent: goal.event ?? "", returnEvent: goal.active, interval: .day, periods: max(n, 1))
        let r = try engine.retention(q, snapshot: snapshot, links: links)
        var persons = [Int](repeating: 0, count: periods.count), back = persons
        let index = Dictionary(periods.enumerated().map { ($1.description, $0) }, uniquingKeysWith: { a, _ in a })
        for cohort in r.cohorts where cohort.retained.count > n {
            guard let day = UTCDay(cohort.date), let i = index[scope.calendar.periodStart(day, goal.interval).description] else { continue }
            persons[i] += cohort.persons
            back[i] += cohort.retained[n]
        }
        return zip(back, persons).map { b, p in p > 0 ? Double(b) / Double(p) : nil }
    }

    /// NPS or CSAT per period over every feedback group the goal names (counts summed, so a score
    /// over several surveys weighs each answer once).
    private func feedback(_ goal: Goal, aligned: ([(String, Double?)]) -> [Double?]) throws(UpliftError) -> [Double?] {
        let q = FeedbackQuery(scope: scope, feature: goal.feature, survey: goal.survey, interval: goal.interval, comments: 0)
        let r = try engine.feedback(q, snapshot: snapshot, links: links)
        var sums: [String: (p: Int, pa: Int, d: Int, c: Int, s: Int)] = [:]
        for group in r.groups {
            for (date, x) in group.series {
                var t = sums[date] ?? (0, 0, 0, 0, 0)
                t.p += x.promoters; t.pa += x.passives; t.d += x.detractors; t.c += x.csatResponses; t.s += x.satisfied
                sums[date] = t
            }
        }
        return aligned(sums.map { date, t in
            if goal.metric == .nps {
                let answers = t.p + t.pa + t.d
                return (date, answers > 0 ? Double(t.p - t.d) / Double(answers) * 100 : nil)
            }
            return (date, t.c > 0 ? Double(t.s) / Double(t.c) * 100 : nil)
        })
    }
}
