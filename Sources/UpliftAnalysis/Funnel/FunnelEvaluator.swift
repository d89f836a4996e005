/// Evaluates the persons of a frame one at a time: each person's level and reported attempt.
///
/// Rows are read through unsafe buffers valid for the evaluator's lifetime (see
/// `FunnelEngine.evaluate`); every buffer of its own is reused from person to person.
struct FunnelEvaluator {
    let plan: FunnelPlan
    let times: UnsafeBufferPointer<Int64>
    let roles: UnsafeBufferPointer<UInt32>
    /// Codes of the breakdown value per row (-1: none) and their texts; empty without breakdown.
    let codes: UnsafeBufferPointer<Int32>
    let values: [String]

    var matcher = StepMatcher()
    var index = OrderedIndex()
    /// t_j of the attempt being evaluated, then of the best attempt so far.
    var stepTimes: [Int64]
    var bestTimes: [Int64]
    /// Upper-bound pass: latest start per level (0-based), for the current and the next tie group.
    var latest: [Int64]
    var latestNext: [Int64]

    init(
        plan: FunnelPlan, times: UnsafeBufferPointer<Int64>, roles: UnsafeBufferPointer<UInt32>,
        codes: UnsafeBufferPointer<Int32>, values: [String]
    ) {
        self.plan = plan
        self.times = times
        self.roles = roles
        self.codes = codes
        self.values = values
        stepTimes = [Int64](repeating: 0, count: max(plan.steps, 1))
        bestTimes = stepTimes
        latest = stepTimes
        latestNext = stepTimes
    }

    /// The person's level (0: not in the funnel) and reported attempt's first row; the attempt's
    /// step times are in `bestTimes[0 ..< level]`.
    mutating func evaluate(_ rows: Range<Int>) -> (level: Int, start: Int) {
        guard plan.steps > 0 else { return (0, -1) }
        let any = plan.order == .any
        if rows.count == 1 && !any {
            // One event (most persons of a large funnel): an attempt of one step when it starts one in the
            // range; nothing after it can void that.
            let r = rows.lowerBound
            guard roles[r] & 1 != 0 && plan.inRange(times[r]) else { return (0, -1) }
            bestTimes[0] = times[r]
            return (1, r)
        }
        let bound = any ? anyOrderBound(rows) : sequenceBound(rows)
        guard bound > 0 else { return (0, -1) }
        let hasExclusions = plan.exclusionMask != 0 && rows.contains { roles[$0] & plan.exclusionMask != 0 }
        // Step lists pay off for persons with many rows; walking a short history costs less than building them.
        let indexed =
            plan.order == .ordered && rows.count > Self.indexAbove
            && index.build(rows, plan: plan, times: times, roles: roles)
        // Persons with many starts get step lists (built after a few attempts) to skip starts whose
        // window cannot beat the best attempt so far without walking it.
        var listed = indexed
        var attempts = 0
        var bestLevel = 0
        var bestStart = -1
        var bestTime = Int64.min
        var groupStart = rows.lowerBound
        var r = rows.lowerBound
        while r < rows.upperBound {
            let t = times[r]
            if r == rows.lowerBound || times[r - 1] != t { groupStart = r }
            defer { r += 1 }
            // Starts come in time order: once the bound is reached, later starts cannot be reported.
            if bestLevel == bound && t > bestTime { break }
            guard plan.inRange(t) else {
                if t >= plan.to { break }
                continue
            }
            if any ? roles[r] & plan.stepMask != 0 : roles[r] & 1 != 0 {
                attempts += 1
                if !listed && attempts > 8 {
                    listed = index.build(rows, plan: plan, times: times, roles: roles, allowTies: true)
                }
                if listed && bestLevel > 0 {
                    let cap = windowBound(from: t, prefix: !any)
                    if cap < bestLevel || (cap == bestLevel && t > bestTime) { continue }
                }
            }
            let level: Int
            if any {
                guard roles[r] & plan.stepMask != 0 else { continue }
                // Every start of a tie group has the same attempt: evaluate it once, at the
                // group's first step row, and attribute it to the group's smallest breakdown value.
                guard firstStepRow(of: groupStart, rows.upperBound) == r else { continue }
                level = anyOrderAttempt(groupStart, end: rows.upperBound)
            } else {
                guard roles[r] & 1 != 0 else { continue }
                level =
                    indexed
                    ? indexedAttempt(start: r) : sequenceAttempt(start: r, groupStart: groupStart, end: rows.upperBound)
            }
            guard level > 0 else { continue }
            if hasExclusions {
                let void =
                    indexed
                    ? indexedVoided(level, start: t) : voided(level, start: t, from: groupStart, end: rows.upperBound)
                if void { continue }
            }
            let start = any ? smallestValueRow(groupStart, rows.upperBound) : r
            if level > bestLevel || (level == bestLevel && t == bestTime && better(start, than: bestStart, level)) {
                bestLevel = level
                bestStart = start
                bestTime = t
                for j in 0..<level { bestTimes[j] = stepTimes[j] }
            }
        }
        return (bestLevel, bestStart)
    }

    /// Persons with at most this many rows are evaluated without step lists (`OrderedIndex`).
    static let indexAbove = 24

    /// Among attempts with equal first time and level: the smaller breakdown value (nil first),
    /// then the earlier step times (lexicographically), so the report never depends on row order.
    private func better(_ row: Int, than other: Int, _ level: Int) -> Bool {
        if !codes.isEmpty {
            let a = codes[row]
            let b = codes[other]
            if a != b {
                if a < 0 { return true }
                if b < 0 { return false }
                return values[Int(a)] < values[Int(b)]
            }
        }
        for j in 0..<level where stepTimes[j] != bestTimes[j] { return stepTimes[j] < bestTimes[j] }
        return false
    }

    /// Whether an exclusion event voids the attempt whose first event is at `start` with step
    /// times `stepTimes[0 ..< level]`: strictly after t_a and strictly before t_b, or, when the
    /// attempt never reached b, up to and including the end of the window.
    private func voided(_ level: Int, start: Int64, from: Int, end: Int) -> Bool {
        let limit = start + plan.window
        for x in plan.exclusions where level >= x.a {
            let low = stepTimes[x.a - 1]
            let reachedB = level >= x.b
            let high = reachedB ? stepTimes[x.b - 1] : limit
            var r = from
            while r < end {
                let t = times[r]
                if t > limit || (reachedB && t >= high) { break }
                if t > low && roles[r] & x.bit != 0 { return true }
                r += 1
            }
        }
        return false
    }

    /// The first row of the tie group at `groupStart` that matches a step.
    private func firstStepRow(of groupStart: Int, _ end: Int) -> Int {
        let t = times[groupStart]
        var r = groupStart
        while r < end && times[r] == t {
            if roles[r] & plan.stepMask != 0 { return r }
            r += 1
        }
        return -1
    }

    /// The row of the tie group with the smallest breakdown value among rows matching a step.
    private func smallestValueRow(_ groupStart: Int, _ end: Int) -> Int {
        let t = times[groupStart]
        var best = -1
        var r = groupStart
        while r < end && times[r] == t {
            defer { r += 1 }
            guard roles[r] & plan.stepMask != 0 else { continue }
            if best < 0 {
                best = r
                continue
            }
            guard !codes.isEmpty else { break }
            let a = codes[r]
            let b = codes[best]
            if a != b && (a < 0 || (b >= 0 && values[Int(a)] < values[Int(b)])) { best = r }
        }
        return best
    }
}
