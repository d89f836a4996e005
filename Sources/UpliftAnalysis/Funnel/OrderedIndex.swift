/// The fast path of ordered funnels for persons whose step events all have distinct times (the
/// common case): each step's rows in a list, so an attempt jumps from step to step by binary
/// search (O(n log rows)) instead of walking its window, and exclusions are found the same way.
/// Persons with many first-step events (a page view as step 1) would otherwise cost a window walk
/// per start.
struct OrderedIndex {
    /// Rows of list `k` (steps 0 ..< n, then exclusions) are `rows[offsets[k] ..< offsets[k + 1]]`.
    var offsets: [Int] = []
    var rows: [Int] = []
    var fill: [Int] = []

    /// Builds the lists for a person; false (and unusable) when two step rows share a time, unless
    /// `allowTies` (the lists then serve only `windowBound`).
    mutating func build(
        _ range: Range<Int>, plan: FunnelPlan, times: UnsafeBufferPointer<Int64>, roles: UnsafeBufferPointer<UInt32>,
        allowTies: Bool = false
    ) -> Bool {
        let lists = plan.steps + plan.exclusions.count
        offsets.removeAll(keepingCapacity: true)
        offsets.append(contentsOf: repeatElement(0, count: lists + 1))
        var last = Int64.min
        for r in range {
            let m = roles[r]
            guard m != 0 else { continue }
            if m & plan.stepMask != 0 {
                if times[r] == last && !allowTies { return false }
                last = times[r]
            }
            var bits = m
            while bits != 0 {
                let k = bits.trailingZeroBitCount
                bits &= bits &- 1
                if k < lists { offsets[k + 1] += 1 }
            }
        }
        for k in 0..<lists { offsets[k + 1] += offsets[k] }
        rows.removeAll(keepingCapacity: true)
        rows.append(contentsOf: repeatElement(0, count: offsets[lists]))
        fill.removeAll(keepingCapacity: true)
        fill.append(contentsOf: offsets.prefix(lists))
        for r in range {
            var bits = roles[r]
            while bits != 0 {
                let k = bits.trailingZeroBitCount
                bits &= bits &- 1
                guard k < lists else { continue }
                rows[fill[k]] = r
                fill[k] += 1
            }
        }
        return true
    }

    /// The first position in list `k` whose row satisfies `after` (which must be monotone).
    @inline(__always) func first(_ k: Int, where after: (Int) -> Bool) -> Int {
        var lo = offsets[k]
        var hi = offsets[k + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if after(rows[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension FunnelEvaluator {
    /// The ordered attempt from `start` on a person indexed by `index` (no ties between step rows):
    /// step j takes the first row after step j − 1's row that matches it, within the window.
    mutating func indexedAttempt(start: Int) -> Int {
        let n = plan.steps
        let limit = times[start] + plan.window
        stepTimes[0] = times[start]
        var level = 1
        var position = start
        while level < n {
            let i = index.first(level) { $0 > position }
            guard i < index.offsets[level + 1] else { break }
            let r = index.rows[i]
            guard times[r] <= limit else { break }
            stepTimes[level] = times[r]
            position = r
            level += 1
        }
        return level
    }

    /// An upper bound on the level of an attempt starting at `start`: the steps with a row in
    /// [start, start + window], counting only the unbroken run from step 1 when `prefix`
    /// (ordered and strict chains need steps 1…k all present).
    func windowBound(from start: Int64, prefix: Bool) -> Int {
        let limit = start + plan.window
        var count = 0
        for k in 0..<plan.steps {
            let i = index.first(k) { times[$0] >= start }
            if i < index.offsets[k + 1] && times[index.rows[i]] <= limit {
                count += 1
            } else if prefix {
                break
            }
        }
        return count
    }

    /// `voided` by binary search in the exclusion lists.
    func indexedVoided(_ level: Int, start: Int64) -> Bool {
        let limit = start + plan.window
        for (k, x) in plan.exclusions.enumerated() where level >= x.a {
            let list = plan.steps + k
            let low = stepTimes[x.a - 1]
            let i = index.first(list) { times[$0] > low }
            guard i < index.offsets[list + 1] else { continue }
            let t = times[index.rows[i]]
            if level >= x.b ? t < stepTimes[x.b - 1] : t <= limit { return true }
        }
        return false
    }
}
