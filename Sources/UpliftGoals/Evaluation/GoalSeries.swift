import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// A goal's metric as one value per period, computed from the answers to the aggregation engine's questions.
///
/// `periods` are the first days of the periods, `scope` covers them exactly (from the first's start
/// to the end of the last); only complete periods are asked for, so the last value is not a
/// partial week.
struct GoalSeries {
    let questions: Questions
    let scope: QueryScope
    let periods: [UTCDay]
    /// The end of the data (or now): funnels look for conversions up to it.
    let dataEnd: Int64

    func values(_ goal: Goal) throws(UpliftError) -> [Double?] {
        let labels = periods.map(\.description)
        func aligned(_ pairs: [(String, Double?)]) -> [Double?] {
            var byDate: [String: Double?] = [:]
            for (d, v) in pairs { byDate[d] = v }
            return labels.map { byDate[$0] ?? nil }
        }
        switch goal.metric {
        case .adoptionRate:
            let q = AdoptionQuery(
                scope: scope, feature: goal.feature ?? "", active: goal.active,
                window: .calendar(goal.interval), interval: goal.interval)
            let r = try questions.adoption(q)
            return aligned(r.series.map { ($0.date, $0.active > 0 ? $0.rate : nil) })
        case .uniquePersons, .events, .propertySum:
            let measure: TrendQuery.Measure =
                goal.metric == .events ? .events : goal.metric == .uniquePersons ? .persons : .sum
            let q = TrendQuery(
                scope: scope, event: goal.event, measure: measure, property: goal.property.map(PropertyRef.init),
                interval: goal.interval)
            return aligned(try trend(q))
        case .propertyAverage:
            // An average over no events is no value, not zero: count the events alongside.
            let property = goal.property.map(PropertyRef.init)
            let q = TrendQuery(
                scope: scope, event: goal.event, measure: .average, property: property, interval: goal.interval)
            let counts = TrendQuery(scope: scope, event: goal.event, measure: .events, interval: goal.interval)
            let n = aligned(try trend(counts))
            let v = aligned(try trend(q))
            return zip(v, n).map { value, count in (count ?? 0) > 0 ? value : nil }
        case .funnelConversion:
            return try funnel(goal)
        case .retention:
            return try retention(goal)
        case .nps, .csat:
            return try feedback(goal, aligned: aligned)
        }
    }

    /// Conversion by the period of each person's attempt (the engine's conversion over time, which
    /// counts each person once, at the start of their reported attempt; months sum its days). The
    /// query runs to the end of the data so that attempts late in the last period can still convert;
    /// a period whose attempts have not all had the whole window by then has no value yet (its
    /// conversion would read low).
    private func funnel(_ goal: Goal) throws(UpliftError) -> [Double?] {
        let window = goal.window ?? TimeLength(days: 14)
        var s = scope
        s.to = max(scope.to, dataEnd)
        let q = FunnelQuery(
            scope: s, steps: goal.steps, window: window,
            conversionInterval: goal.interval == .month ? .day : goal.interval)
        let r = try questions.funnel(q)
        var entered: [String: Int] = [:]
        var converted: [String: Int] = [:]
        for p in r.conversionOverTime {
            guard let day = UTCDay(p.date) else { continue }
            let key = scope.calendar.periodStart(day, goal.interval).description
            entered[key, default: 0] += p.entered
            converted[key, default: 0] += p.converted
        }
        return periods.map { start in
            let end = scope.calendar.start(of: scope.calendar.nextPeriod(start, goal.interval))
            let key = start.description
            guard end + window.microseconds <= s.to, let n = entered[key], n > 0 else { return nil }
            return Double(converted[key] ?? 0) / Double(n)
        }
    }

    /// Day-N retention of the daily cohorts whose day falls in each period: persons back on day N
    /// over the persons of the cohorts whose day N lies within the range (younger cohorts are left
    /// out, so the latest periods have no value until their cohorts are N days old).
    private func retention(_ goal: Goal) throws(UpliftError) -> [Double?] {
        let n = goal.day ?? 1
        let q = RetentionQuery(
            scope: scope, cohortEvent: goal.event ?? "", returnEvent: goal.active, interval: .day, periods: max(n, 1))
        let r = try questions.retention(q)
        var persons = [Int](repeating: 0, count: periods.count)
        var back = persons
        let index = Dictionary(periods.enumerated().map { ($1.description, $0) }, uniquingKeysWith: { a, _ in a })
        for cohort in r.cohorts where cohort.retained.count > n {
            guard let day = UTCDay(cohort.date),
                let i = index[scope.calendar.periodStart(day, goal.interval).description]
            else { continue }
            persons[i] += cohort.persons
            back[i] += cohort.retained[n]
        }
        return zip(back, persons).map { b, p in p > 0 ? Double(b) / Double(p) : nil }
    }

    /// NPS or CSAT per period over every feedback group the goal names (counts summed, so a score
    /// over several surveys weighs each answer once).
    /// A trend's points as (date, value).
    private func trend(_ q: TrendQuery) throws(UpliftError) -> [(String, Double?)] {
        try questions.trend(q).points.map { ($0.date, $0.value) }
    }

    private func feedback(_ goal: Goal, aligned: ([(String, Double?)]) -> [Double?]) throws(UpliftError) -> [Double?] {
        let q = FeedbackQuery(
            scope: scope, feature: goal.feature, survey: goal.survey, interval: goal.interval, comments: 0)
        let r = try questions.feedback(q)
        var sums: [String: (p: Int, pa: Int, d: Int, c: Int, s: Int)] = [:]
        for group in r.groups {
            for (date, x) in group.series {
                var t = sums[date] ?? (0, 0, 0, 0, 0)
                t.p += x.promoters
                t.pa += x.passives
                t.d += x.detractors
                t.c += x.csatResponses
                t.s += x.satisfied
                sums[date] = t
            }
        }
        return aligned(
            sums.map { date, t in
                if goal.metric == .nps {
                    let answers = t.p + t.pa + t.d
                    return (date, answers > 0 ? Double(t.p - t.d) / Double(answers) * 100 : nil)
                }
                return (date, t.c > 0 ? Double(t.s) / Double(t.c) * 100 : nil)
            })
    }
}
