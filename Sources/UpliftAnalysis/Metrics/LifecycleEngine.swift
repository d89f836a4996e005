/// Lifecycle (growth accounting): per period, who is new, retained, reactivated, resurrected or
/// dormant. All history before `to` is read, so "first-ever" and "last active" see old periods.
///
/// One pass per person over their distinct active periods (rows are time-sorted, so the periods
/// arrive ascending): each active period is classified from the previous active period alone.
package enum LifecycleEngine {
    package static func request(_ query: LifecycleQuery) -> FrameRequest {
        FrameRequest(
            roles: [.init(event: query.event, filters: query.eventFilters)], from: .min, to: query.scope.to,
            filters: query.scope.filters)
    }

    package static func compute(_ frame: EventFrame, _ query: LifecycleQuery) -> LifecycleResult {
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        // Index 0 is the period before the range (for the first period's dormant and rate).
        var new = [Int](repeating: 0, count: n)
        var retained = new
        var reactivated = new
        var resurrected = new
        var dormant = new
        var active = [Int](repeating: 0, count: n + 1)
        var cursor = PeriodCursor(query.scope.calendar, query.interval)
        let dormantAfter = Int64(query.dormantAfter)
        for person in 0..<frame.personCount {
            var previous: Int64 = .min  // last active period seen (absolute number)
            func visit(_ q: Int64) {
                let k = q - range.first
                if k >= -1, k < Int64(n) { active[Int(k) + 1] += 1 }
                if k >= 0, k < Int64(n) {
                    let i = Int(k)
                    if previous == .min {
                        new[i] += 1
                    } else if previous == q - 1 {
                        retained[i] += 1
                    } else if q - previous - 1 <= dormantAfter {
                        reactivated[i] += 1
                    } else {
                        resurrected[i] += 1
                    }
                }
                // Active in `previous`, not in `previous + 1`: dormant in the period after it.
                if previous != .min, previous + 1 != q {
                    let d = previous + 1 - range.first
                    if d >= 0, d < Int64(n) { dormant[Int(d)] += 1 }
                }
                previous = q
            }
            for i in frame.rows(of: person) where frame.roles[i] & 1 != 0 {
                let q = cursor.period(of: frame.times[i])
                if q != previous { visit(q) }
            }
            if previous != .min {
                let d = previous + 1 - range.first
                if d >= 0, d < Int64(n) { dormant[Int(d)] += 1 }
            }
        }
        return result(
            Counts(
                new: new, retained: retained, reactivated: reactivated, resurrected: resurrected, dormant: dormant,
                active: active), query)
    }

    /// Per period of the range: persons new, retained, reactivated, resurrected and dormant in it, and
    /// `active` with one more entry first, for the period before the range.
    package struct Counts: Sendable {
        package var new: [Int]
        package var retained: [Int]
        package var reactivated: [Int]
        package var resurrected: [Int]
        package var dormant: [Int]
        package var active: [Int]

        package init(
            new: [Int], retained: [Int], reactivated: [Int], resurrected: [Int], dormant: [Int], active: [Int]
        ) {
            self.new = new
            self.retained = retained
            self.reactivated = reactivated
            self.resurrected = resurrected
            self.dormant = dormant
            self.active = active
        }

        /// Zeros for `n` periods.
        package init(periods n: Int) {
            let zeros = [Int](repeating: 0, count: n)
            self.init(
                new: zeros, retained: zeros, reactivated: zeros, resurrected: zeros, dormant: zeros,
                active: zeros + [0])
        }
    }

    /// The answer from the counts of each period.
    package static func result(_ counts: Counts, _ query: LifecycleQuery) -> LifecycleResult {
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let (new, retained, reactivated, resurrected, dormant, active) = (
            counts.new, counts.retained, counts.reactivated, counts.resurrected, counts.dormant, counts.active
        )
        let labels = range.labels(query.scope.calendar, query.interval)
        return LifecycleResult(
            periods: (0..<n).map { i in
                LifecycleResult.Period(
                    date: labels[i], new: new[i], retained: retained[i], reactivated: reactivated[i],
                    resurrected: resurrected[i],
                    dormant: dormant[i], active: active[i + 1],
                    retentionRate: active[i] == 0 ? nil : Double(retained[i]) / Double(active[i]))
            })
    }
}
