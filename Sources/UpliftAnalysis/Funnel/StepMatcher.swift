/// Small bipartite matchings between funnel steps (at most 20) and events, with reusable buffers
/// so that a person's evaluation allocates nothing once the buffers have grown.
struct StepMatcher {
    /// `maxRun`: step masks of the group's relevant rows, which step each holds (-1: none), visited flags.
    private var masks: [UInt32] = []
    private var holder: [Int8] = []
    private var visited: [Bool] = []
    /// Incremental matching (any order): the step mask of the event holding each step.
    private var ownerMask = [UInt32](repeating: 0, count: 32)
    private var taken: UInt32 = 0
    private(set) var size = 0

    init() {}

    /// The largest `r` such that steps `first ..< first + r` (0-based, below `steps`) can be
    /// served by distinct rows of `rows` (skipping row `excluded`): equal-time events may serve a
    /// run of consecutive steps in any order, which is a bipartite matching of the run to the group.
    mutating func maxRun(
        from first: Int, steps: Int, rows: Range<Int>, excluding excluded: Int,
        roles: UnsafeBufferPointer<UInt32>
    ) -> Int {
        guard first < steps else { return 0 }
        let wanted = (UInt32.max >> UInt32(32 - steps)) & ~((UInt32(1) << UInt32(first)) &- 1)
        masks.removeAll(keepingCapacity: true)
        for r in rows where r != excluded {
            let m = roles[r] & wanted
            if m != 0 { masks.append(m) }
        }
        guard !masks.isEmpty else { return 0 }
        holder.removeAll(keepingCapacity: true)
        holder.append(contentsOf: repeatElement(-1, count: masks.count))
        var run = 0
        for step in first..<steps {
            guard run < masks.count else { break }
            visited.removeAll(keepingCapacity: true)
            visited.append(contentsOf: repeatElement(false, count: masks.count))
            guard augment(step) else { break }
            run += 1
        }
        return run
    }

    /// Kuhn's augmenting path from `step` over the group's rows.
    private mutating func augment(_ step: Int) -> Bool {
        let bit = UInt32(1) << UInt32(step)
        for i in masks.indices where masks[i] & bit != 0 && !visited[i] {
            visited[i] = true
            if holder[i] < 0 || augment(Int(holder[i])) {
                holder[i] = Int8(step)
                return true
            }
        }
        return false
    }

    /// Starts an empty incremental matching.
    mutating func reset() {
        taken = 0
        size = 0
    }

    /// Adds an event that may serve the steps in `mask`; true when the maximum matching grew.
    mutating func add(_ mask: UInt32) -> Bool {
        guard mask != 0 else { return false }
        var seen: UInt32 = 0
        guard place(mask, &seen) else { return false }
        size += 1
        return true
    }

    /// Gives the event with step mask `mask` a step, moving other events along an augmenting path.
    private mutating func place(_ mask: UInt32, _ seen: inout UInt32) -> Bool {
        let free = mask & ~taken & ~seen
        if free != 0 {
            let s = free.trailingZeroBitCount
            taken |= UInt32(1) << UInt32(s)
            ownerMask[s] = mask
            return true
        }
        var m = mask & ~seen
        while m != 0 {
            let s = m.trailingZeroBitCount
            m &= m &- 1
            guard seen & (UInt32(1) << UInt32(s)) == 0 else { continue }
            seen |= UInt32(1) << UInt32(s)
            if place(ownerMask[s], &seen) {
                ownerMask[s] = mask
                return true
            }
        }
        return false
    }
}
