/// What the funnel algorithms need from a query, clipped to what a frame's 32 role bits can hold.
///
/// Queries decoded from JSON are validated (2…20 steps, at most 10 exclusions); a query built in
/// code with more is clipped here rather than crashing: the first 20 steps, then as many
/// exclusions as fit the remaining role bits. An exclusion whose steps fall outside 1…n is
/// clamped to that range, and one left with `fromStep >= toStep` is ignored.
package struct FunnelPlan: Sendable {
    package struct Exclusion: Sendable {
        /// The exclusion's role bit in the frame.
        package var bit: UInt32
        /// 1-based steps: voids between step `a` and step `b`.
        package var a: Int
        package var b: Int
    }

    package let steps: Int
    package let stepMask: UInt32
    package let window: Int64
    package let from: Int64
    package let to: Int64
    package let order: FunnelQuery.Order
    package let exclusions: [Exclusion]
    package let exclusionMask: UInt32
    /// Role indexes of the exclusions that get a role bit (`query.exclusions[i]`).
    package let exclusionSources: [Int]

    package init(_ query: FunnelQuery) {
        let n = min(query.steps.count, FunnelQuery.maxSteps)
        steps = n
        stepMask = n == 0 ? 0 : UInt32.max >> UInt32(32 - n)
        window = max(0, query.window.microseconds)
        from = query.scope.from
        to = query.scope.to
        order = query.order
        var list: [Exclusion] = []
        var sources: [Int] = []
        var mask: UInt32 = 0
        for (i, x) in query.exclusions.enumerated() where list.count < FunnelQuery.maxExclusions && n + list.count < 32
        {
            let a = min(max(x.fromStep, 1), n)
            let b = min(max(x.toStep, 1), n)
            guard a < b else { continue }
            let bit = UInt32(1) << UInt32(n + list.count)
            list.append(Exclusion(bit: bit, a: a, b: b))
            sources.append(i)
            mask |= bit
        }
        exclusions = list
        exclusionMask = mask
        exclusionSources = sources
    }

    /// Whether a row at `time` may start an attempt.
    @inline(__always) func inRange(_ time: Int64) -> Bool { time >= from && time < to }
}
