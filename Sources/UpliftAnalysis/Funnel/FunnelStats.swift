import UpliftStorage

/// Turns persons' levels and reported attempts into the result: step counts and conversion times,
/// breakdown groups, conversion over time and the time-to-convert histogram.
///
/// Durations are summed and sorted as integer microseconds and converted to seconds last, so the
/// numbers do not depend on the order persons come in (the reference engine must agree exactly):
/// mean = Double(sum µs) / Double(count) / 1e6; median = the middle value, or
/// Double(a + b) / 2 / 1e6 for the two middle values of an even count.
struct FunnelStats {
    /// The breakdown values the outcomes' codes index.
    let values: [String]
    let query: FunnelQuery
    let plan: FunnelPlan
    let outcomes: FunnelOutcomes

    /// The step statistics (and breakdown groups) on one core, conversion over time and the histogram on
    /// another when there are many persons.
    func result() -> FunnelResult {
        let stats = self
        let byPerson = ResultSlots<([FunnelResult.Step], [FunnelResult.BreakdownGroup])>(count: 1)
        let byTime = ResultSlots<([FunnelResult.Period], [FunnelResult.Bin])>(count: 1)
        WorkPool.shared.parallelFor(iterations: outcomes.count > 50_000 ? 2 : 1) { k in
            if k == 0 { byPerson.set(0, .success((stats.steps(0..<stats.outcomes.count), stats.breakdown()))) }
            if k == 1 || stats.outcomes.count <= 50_000 {
                byTime.set(0, .success((stats.conversionOverTime(), stats.histogram())))
            }
        }
        // Neither part throws.
        let (steps, breakdown) = (try? byPerson.values().first) ?? ([], [])
        let (periods, bins) = (try? byTime.values().first) ?? ([], [])
        return FunnelResult(steps: steps, breakdown: breakdown, conversionOverTime: periods, timeToConvert: bins)
    }

    /// Step statistics over some persons.
    func steps(_ persons: some Sequence<Int>) -> [FunnelResult.Step] {
        let n = plan.steps
        var counts = [Int](repeating: 0, count: n + 1)  // counts[l]: persons at level exactly l
        for p in persons { counts[Int(outcomes.levels[p])] += 1 }
        var atLeast = [Int](repeating: 0, count: n + 2)
        for l in stride(from: n, through: 0, by: -1) { atLeast[l] = atLeast[l + 1] + counts[l] }
        var durations: [[Int64]] = (0..<n).map { j in
            var list: [Int64] = []
            list.reserveCapacity(j == 0 ? 0 : atLeast[j + 1])
            return list
        }
        for p in persons {
            let level = Int(outcomes.levels[p])
            guard level >= 2 else { continue }
            for j in 1..<level { durations[j].append(outcomes.duration(p, from: j - 1, to: j)) }
        }
        return (0..<n).map { j in
            let reached = atLeast[j + 1]
            let first = atLeast[1]
            let previous = j == 0 ? first : atLeast[j]
            let (median, mean) = j == 0 ? (nil, nil) : Self.summary(&durations[j])
            return FunnelResult.Step(
                event: query.steps[j].event, persons: reached,
                conversionFromStart: first > 0 ? Double(reached) / Double(first) : 0,
                conversionFromPrevious: previous > 0 ? Double(reached) / Double(previous) : 0,
                medianSecondsToConvert: median, meanSecondsToConvert: mean)
        }
    }

    /// Median and mean in seconds of durations in microseconds (`values` is reordered). The median
    /// is selected, not sorted for: linear time on the hundreds of thousands of a large funnel.
    static func summary(_ values: inout [Int64]) -> (Double?, Double?) {
        guard !values.isEmpty else { return (nil, nil) }
        let c = values.count
        let upper = select(&values, c / 2)
        // After selecting the upper middle, the lower middle is the largest value before it.
        let median = c % 2 == 1 ? Double(upper) / 1e6 : Double(values[..<(c / 2)].max()! + upper) / 2 / 1e6
        let sum = values.reduce(Int64(0), &+)
        return (median, Double(sum) / Double(c) / 1e6)
    }

    /// The `k`-th smallest value (0-based), moved to `values[k]` with no larger value before it and
    /// no smaller one after it: quickselect with a median-of-three pivot, and a sort once it has taken
    /// more rounds than a balanced split needs twice over, so no input makes it quadratic.
    static func select(_ values: inout [Int64], _ k: Int) -> Int64 {
        var low = 0
        var high = values.count - 1
        var rounds = 2 * (Int.bitWidth - values.count.leadingZeroBitCount) + 8
        values.withUnsafeMutableBufferPointer { v in
            while high - low > 16 {
                rounds -= 1
                guard rounds > 0 else { break }
                let mid = low + (high - low) / 2
                let pivot = max(min(v[low], v[mid]), min(max(v[low], v[mid]), v[high]))
                var i = low
                var j = high
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // [low, j] ≤ pivot ≤ [i, high]; values strictly between j and i equal the pivot.
                if k <= j {
                    high = j
                } else if k >= i {
                    low = i
                } else {
                    return
                }
            }
            v[low...high].sort()
        }
        return values[k]
    }

    /// The 25 values with most persons in the funnel (ties: value ascending, nil first), then
    /// "other" for everyone else, each with its own step statistics.
    func breakdown() -> [FunnelResult.BreakdownGroup] {
        guard query.breakdown != nil else { return [] }
        var members: [Int32: [Int]] = [:]
        for p in 0..<outcomes.count where outcomes.levels[p] >= 1 { members[outcomes.codes[p], default: []].append(p) }
        let ranked = members.keys.sorted { a, b in
            let ca = members[a]!.count
            let cb = members[b]!.count
            if ca != cb { return ca > cb }
            return Self.valueLess(a, b, values)
        }
        var groups: [FunnelResult.BreakdownGroup] = []
        for code in ranked.prefix(FunnelQuery.maxBreakdownValues) {
            groups.append(
                FunnelResult.BreakdownGroup(
                    value: code < 0 ? nil : values[Int(code)], isOther: false,
                    steps: steps(members[code]!)))
        }
        let rest = ranked.dropFirst(FunnelQuery.maxBreakdownValues).flatMap { members[$0]! }
        if !rest.isEmpty { groups.append(FunnelResult.BreakdownGroup(value: nil, isOther: true, steps: steps(rest))) }
        return groups
    }

    static func valueLess(_ a: Int32, _ b: Int32, _ values: [String]) -> Bool {
        if a == b { return false }
        if a < 0 { return true }
        if b < 0 { return false }
        return values[Int(a)] < values[Int(b)]
    }

    /// Entered and converted persons by the local period of their reported first event, for every
    /// period of the range.
    func conversionOverTime() -> [FunnelResult.Period] {
        let calendar = query.scope.calendar
        let interval = query.conversionInterval
        guard plan.steps > 0, query.scope.from < query.scope.to else { return [] }
        let first = calendar.periodNumber(of: query.scope.from, interval)
        let last = calendar.periodNumber(of: query.scope.to - 1, interval)
        guard last >= first else { return [] }
        var entered = [Int](repeating: 0, count: Int(last - first + 1))
        var converted = entered
        for p in 0..<outcomes.count where outcomes.levels[p] >= 1 {
            let k = Int(calendar.periodNumber(of: outcomes.startTimes[p], interval) - first)
            guard k >= 0, k < entered.count else { continue }
            entered[k] += 1
            if outcomes.levels[p] == plan.steps { converted[k] += 1 }
        }
        return entered.indices.map { k in
            FunnelResult.Period(
                date: calendar.label(periodNumber: first + Int64(k), interval), entered: entered[k],
                converted: converted[k], rate: entered[k] > 0 ? Double(converted[k]) / Double(entered[k]) : 0,
                partial: query.scope.isPartial(periodNumber: first + Int64(k), interval))
        }
    }

    /// Seconds from step 1 to the last step of persons who completed the funnel.
    func histogram() -> [FunnelResult.Bin] {
        let n = plan.steps
        guard n > 0 else { return [] }
        var durations: [Int64] = []
        for p in 0..<outcomes.count where outcomes.levels[p] == n {
            durations.append(outcomes.duration(p, from: 0, to: n - 1))
        }
        guard let longest = durations.max() else { return [] }
        let width = Self.binWidth(longest)
        var bins = [Int](repeating: 0, count: Int(longest / width) + 1)
        for d in durations { bins[Int(d / width)] += 1 }
        return bins.indices.map { k in
            FunnelResult.Bin(
                fromSeconds: Double(Int64(k) * width) / 1e6, toSeconds: Double(Int64(k + 1) * width) / 1e6,
                persons: bins[k])
        }
    }

    /// The smallest nice width (µs) that covers `longest` in at most 20 bins `[k·w, (k+1)·w)`.
    static func binWidth(_ longest: Int64) -> Int64 {
        let nice: [Int64] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 172_800, 604_800]
        for seconds in nice where longest / (seconds * 1_000_000) + 1 <= 20 { return seconds * 1_000_000 }
        let week: Int64 = 604_800 * 1_000_000
        var k: Int64 = 2
        while longest / (k * week) + 1 > 20 { k += 1 }
        return k * week
    }
}
