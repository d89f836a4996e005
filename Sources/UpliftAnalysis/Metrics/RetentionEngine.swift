import UpliftModel

/// Retention: a person's cohort is the period of their first-ever cohort event (all history before
/// `to` is read); they are retained in period k when a return event falls in cohort period + k.
///
/// Role 0 is the cohort event, role 1 the return event. One pass per person: find the first cohort
/// row, then mark return periods, deduplicated with the last period counted (rows are time-sorted).
package enum RetentionEngine {
    package static func request(_ query: RetentionQuery) -> FrameRequest {
        FrameRequest(
            roles: [
                .init(event: query.cohortEvent, filters: query.cohortFilters),
                .init(event: query.returnEvent, filters: query.returnFilters),
            ],
            from: .min, to: query.scope.to, filters: query.scope.filters)
    }

    /// How many periods (0…periods) cohort `c` of the range reports: those that start before `to`.
    package static func reported(_ query: RetentionQuery) -> [Int] {
        let calendar = query.scope.calendar
        let n = PeriodRange(query.scope, query.interval).count
        let width = query.periods + 1
        var reported = [Int](repeating: 0, count: n)
        var start = calendar.periodStart(calendar.localDay(of: query.scope.from), query.interval)
        var starts: [Int64] = []  // first instant of periods first … last + periods
        for _ in 0..<(n + query.periods) {
            starts.append(calendar.start(of: start))
            start = calendar.nextPeriod(start, query.interval)
        }
        for c in 0..<n {
            var k = 0
            while k < width, starts[c + k] < query.scope.to { k += 1 }
            reported[c] = max(k, 1)
        }
        return reported
    }

    package static func compute(_ frame: EventFrame, _ query: RetentionQuery) -> RetentionResult {
        let calendar = query.scope.calendar
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let width = query.periods + 1
        let reported = reported(query)
        var retained = [Int](repeating: 0, count: n * width)  // cohort × k
        var cursor = PeriodCursor(calendar, query.interval)
        for person in 0..<frame.personCount {
            var cohort = -1
            var lastK = 0
            for i in frame.rows(of: person) {
                let roles = frame.roles[i]
                if cohort < 0 {
                    guard roles & 1 != 0 else { continue }
                    let c = cursor.period(of: frame.times[i]) - range.first
                    // The first cohort event decides; before the range means not in any cohort.
                    guard c >= 0, c < Int64(n) else { break }
                    cohort = Int(c)
                    retained[cohort * width] += 1
                    continue
                }
                guard roles & 2 != 0 else { continue }
                let k = Int(cursor.period(of: frame.times[i]) - range.first) - cohort
                guard k > lastK, k < reported[cohort] else { continue }
                lastK = k
                retained[cohort * width + k] += 1
            }
        }
        return result(retained: retained, query)
    }

    /// The answer from the persons of each cohort (`retained[c × (periods + 1)]`) and those of them back in
    /// each later period (`retained[c × (periods + 1) + k]`), cohorts numbered from the range's first period.
    package static func result(retained: [Int], _ query: RetentionQuery) -> RetentionResult {
        let calendar = query.scope.calendar
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let width = query.periods + 1
        let reported = reported(query)
        var result = RetentionResult(cohorts: [], average: [])
        var sumRetained = [Int](repeating: 0, count: width)
        var sumPersons = sumRetained
        var longest = 0
        for c in 0..<n where retained[c * width] > 0 {
            let persons = retained[c * width]
            let row = Array(retained[c * width..<c * width + reported[c]])
            result.cohorts.append(
                RetentionResult.Cohort(
                    date: calendar.label(periodNumber: range.first + Int64(c), query.interval), persons: persons,
                    retained: row, rates: row.map { ratio($0, persons) }))
            for k in row.indices {
                sumRetained[k] += row[k]
                sumPersons[k] += persons
            }
            longest = max(longest, row.count)
        }
        result.average = (0..<longest).map { ratio(sumRetained[$0], sumPersons[$0]) }
        return result
    }
}
