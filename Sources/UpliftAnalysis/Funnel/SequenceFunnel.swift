/// Ordered and strict funnels: the attempt from one first event, and an upper bound on a person's
/// level that lets the evaluation stop at the earliest attempt reaching it.
///
/// An attempt walks the person's tie groups (rows with equal times) from the first event's group
/// to the end of the window, keeping the set of reachable levels as a bitmask (bit L−1: level L).
/// Ordered: the set only grows (a level once reached stays reachable; other events may come in
/// between). Strict: the set holds levels whose last step is in the current group, since the next
/// step must be in the very next group (any event of the person in between breaks the chain; events
/// with the same time as a step are never "between"). A one-row group moves the set with two bit
/// operations; a larger group extends each level by the longest run of consecutive steps its rows
/// can serve (`StepMatcher.maxRun`). t_j is the time of the first group where level j is reachable:
/// the earliest completion of step j over all chains from the first event.
extension FunnelEvaluator {
    /// The level of the attempt from row `start`, with its step times in `stepTimes[0 ..< level]`.
    mutating func sequenceAttempt(start: Int, groupStart: Int, end: Int) -> Int {
        let n = plan.steps
        let strict = plan.order == .strict
        let t0 = times[start]
        let limit = t0 + plan.window
        var g = groupStart
        while g < end && times[g] == t0 { g += 1 }
        // The first event serves step 1; the rest of its group may serve steps 2, 3 …
        var level =
            1
            + (g - groupStart > 1
                ? matcher.maxRun(from: 1, steps: n, rows: groupStart..<g, excluding: start, roles: roles) : 0)
        for j in 0..<level { stepTimes[j] = t0 }
        var reach: UInt32 = UInt32.max >> UInt32(32 - level)
        while g < end && level < n {
            let t = times[g]
            if t > limit { break }
            var e = g + 1
            while e < end && times[e] == t { e += 1 }
            var next: UInt32 = 0
            if e == g + 1 {
                next = (reach << 1) & roles[g] & plan.stepMask
            } else {
                var levels = reach
                if !strict { levels = UInt32(1) << UInt32(level - 1) }  // ordered: the top level dominates
                while levels != 0 {
                    let l = levels.trailingZeroBitCount + 1  // a reachable level
                    levels &= levels &- 1
                    let run = matcher.maxRun(from: l, steps: n, rows: g..<e, excluding: -1, roles: roles)
                    if run > 0 { next |= (UInt32.max >> UInt32(32 - run)) << UInt32(l) }
                }
            }
            if next != 0 {
                let top = 32 - next.leadingZeroBitCount
                while level < top {
                    stepTimes[level] = t
                    level += 1
                }
            }
            if strict {
                reach = next
                if reach == 0 { break }
            } else {
                reach |= next
            }
            g = e
        }
        return level
    }

    /// An upper bound on the level of any attempt of the person (exact when no two of the
    /// person's step events share a time): the classic pass keeping, per level, the latest first
    /// time of chains at that level. Within a tie group of several rows, one row may serve several
    /// steps here, which can only raise the bound.
    mutating func sequenceBound(_ rows: Range<Int>) -> Int {
        let n = plan.steps
        let strict = plan.order == .strict
        let window = plan.window
        var valid: UInt32 = 0  // bit j: latest[j] holds a chain at level j + 1
        var best = 0
        var g = rows.lowerBound
        while g < rows.upperBound {
            let t = times[g]
            var e = g + 1
            var union = roles[g] & plan.stepMask
            var starts = roles[g] & 1 != 0 && plan.inRange(t)
            while e < rows.upperBound && times[e] == t {
                union |= roles[e] & plan.stepMask
                if roles[e] & 1 != 0 && plan.inRange(t) { starts = true }
                e += 1
            }
            // Chains may only continue from the previous group (strict) or from any earlier one.
            var nextValid: UInt32 = strict ? 0 : valid
            if !strict { for j in 0..<n where valid & (1 << UInt32(j)) != 0 { latestNext[j] = latest[j] } }
            let single = e == g + 1
            var m = union
            while m != 0 {
                let j = m.trailingZeroBitCount
                m &= m &- 1
                if j == 0 {
                    guard starts else { continue }
                    latestNext[0] = t
                    nextValid |= 1
                    continue
                }
                var candidate = Int64.min
                let below = UInt32(1) << UInt32(j - 1)
                if valid & below != 0 { candidate = latest[j - 1] }
                // The relaxation: the same group's level j (which one row may have served).
                if !single && nextValid & below != 0 { candidate = max(candidate, latestNext[j - 1]) }
                guard candidate != Int64.min, t - candidate <= window else { continue }
                let bit = UInt32(1) << UInt32(j)
                latestNext[j] = nextValid & bit != 0 ? max(latestNext[j], candidate) : candidate
                nextValid |= bit
            }
            // Single rows: steps are processed in ascending order above but read only `latest`
            // (the previous state), so one row never serves two steps.
            valid = nextValid
            swap(&latest, &latestNext)
            if valid != 0 { best = max(best, 32 - valid.leadingZeroBitCount) }
            if best == n { return n }
            g = e
        }
        return best
    }
}
