package import UpliftAnalysis
package import UpliftModel

extension ReferenceMetrics {
    package static func retention(_ q: RetentionQuery, events: [Event], links: [String: String]) -> RetentionResult {
        let cal = q.scope.calendar
        let before = events.filter { $0.timestamp < q.scope.to }
        let cohortEvents = before.filter { matches($0, q.cohortEvent, q.cohortFilters, q.scope.filters) }
        let returns = before.filter { matches($0, q.returnEvent, q.returnFilters, q.scope.filters) }
        var cohortOf: [String: Int64] = [:]
        for e in cohortEvents {
            let p = person(e, links)
            let first = cohortEvents.filter { person($0, links) == p }.map(\.timestamp).min()!
            cohortOf[p] = cal.periodNumber(of: first, q.interval)
        }
        /// The first instant of a period, from its label (an independent route to the same date).
        func start(_ period: Int64) -> Int64 { cal.start(of: UTCDay(cal.label(periodNumber: period, q.interval))!) }
        var result = RetentionResult(cohorts: [], average: [])
        for c in periods(q.scope, q.interval) {
            let members = cohortOf.filter { $0.value == c }.map(\.key)
            guard !members.isEmpty else { continue }
            var retained: [Int] = []
            for k in 0...q.periods where start(c + Int64(k)) < q.scope.to {
                retained.append(
                    k == 0
                        ? members.count
                        : members.filter { m in
                            returns.contains {
                                person($0, links) == m && cal.periodNumber(of: $0.timestamp, q.interval) == c + Int64(k)
                            }
                        }.count)
            }
            result.cohorts.append(
                RetentionResult.Cohort(
                    date: cal.label(periodNumber: c, q.interval), persons: members.count,
                    retained: retained, rates: retained.map { ratio($0, members.count) },
                    partial: partial(q.scope, q.interval, c)))
        }
        let longest = result.cohorts.map(\.retained.count).max() ?? 0
        result.average = (0..<longest).map { k in
            let reaching = result.cohorts.filter { $0.retained.count > k }
            return ratio(reaching.map { $0.retained[k] }.reduce(0, +), reaching.map(\.persons).reduce(0, +))
        }
        return result
    }

    package static func lifecycle(_ q: LifecycleQuery, events: [Event], links: [String: String]) -> LifecycleResult {
        let cal = q.scope.calendar
        var activeIn: [String: Set<Int64>] = [:]
        for e in events where e.timestamp < q.scope.to && matches(e, q.event, q.eventFilters, q.scope.filters) {
            activeIn[person(e, links), default: []].insert(cal.periodNumber(of: e.timestamp, q.interval))
        }
        return LifecycleResult(
            periods: periods(q.scope, q.interval).map { p in
                var row = LifecycleResult.Period(
                    date: cal.label(periodNumber: p, q.interval), new: 0, retained: 0, reactivated: 0,
                    resurrected: 0, dormant: 0, active: 0, retentionRate: nil)
                var previouslyActive = 0
                for (_, s) in activeIn {
                    if s.contains(p - 1) { previouslyActive += 1 }
                    if s.contains(p - 1) && !s.contains(p) { row.dormant += 1 }
                    guard s.contains(p) else { continue }
                    row.active += 1
                    if s.min() == p {
                        row.new += 1
                    } else if s.contains(p - 1) {
                        row.retained += 1
                    } else {
                        let last = s.filter { $0 < p }.max()!
                        if p - last - 1 <= Int64(q.dormantAfter) { row.reactivated += 1 } else { row.resurrected += 1 }
                    }
                }
                row.retentionRate = previouslyActive == 0 ? nil : Double(row.retained) / Double(previouslyActive)
                row.partial = partial(q.scope, q.interval, p)
                return row
            })
    }
}
