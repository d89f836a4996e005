/// Any-order funnels: the attempt from a start time uses every event in [start, start + window]
/// (including events of the start's own tie group stored before it); its level is the size of a
/// maximum matching of steps to distinct events, grown one event at a time in time order, so t_k
/// is the time of the event that first lifts the matching to k.
extension FunnelEvaluator {
    /// The level of the attempt starting at the tie group `groupStart`, with `stepTimes[0 ..< level]`.
    mutating func anyOrderAttempt(_ groupStart: Int, end: Int) -> Int {
        let n = plan.steps
        let limit = times[groupStart] + plan.window
        matcher.reset()
        var level = 0
        var r = groupStart
        while r < end && level < n {
            let t = times[r]
            if t > limit { break }
            if matcher.add(roles[r] & plan.stepMask) {
                stepTimes[level] = t
                level += 1
            }
            r += 1
        }
        return level
    }

    /// An upper bound on any attempt's level: the maximum matching over all the person's rows from
    /// its first possible start, ignoring the window; zero when no step row lies in the range.
    mutating func anyOrderBound(_ rows: Range<Int>) -> Int {
        var first = rows.lowerBound
        while first < rows.upperBound && !(plan.inRange(times[first]) && roles[first] & plan.stepMask != 0) {
            if times[first] >= plan.to { return 0 }
            first += 1
        }
        guard first < rows.upperBound else { return 0 }
        // Rows of the first start's tie group stored before it belong to its attempt too.
        while first > rows.lowerBound && times[first - 1] == times[first] { first -= 1 }
        matcher.reset()
        for r in first..<rows.upperBound where matcher.add(roles[r] & plan.stepMask) {
            if matcher.size == plan.steps { break }
        }
        return matcher.size
    }
}
