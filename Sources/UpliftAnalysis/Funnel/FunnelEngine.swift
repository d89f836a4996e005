import UpliftModel
import UpliftStorage

/// Funnels: who went through steps 1…n within the conversion window (analysis-semantics, "Funnel").
///
/// Frame roles: bits `0 ..< n` are the steps, the next bits the exclusions. Strict funnels also
/// ask for every other event of the person (role-less rows), since any of them breaks a chain.
///
/// Readings chosen where the semantics leave room (the reference engine agrees):
/// - Reported attempt among non-voided attempts at the person's level: earliest first event, then
///   smallest breakdown value (nil first), then lexicographically earliest step times (two first
///   events at the same instant may leave different events for the later steps).
/// - Any order: the attempt's first event may match any step, so the breakdown property is read on
///   every step row; attempts starting at the same instant are identical and take the smallest value.
/// - Strict: a chain may leave out events that share a step's time (they are never "between"), so
///   the attempt keeps every reachable level rather than the greedy one (see `SequenceFunnel`).
/// - An event named like a bookkeeping event but used as a step or exclusion is a row like any
///   other, so it does break strict chains it is not part of.
/// - Queries built in code beyond the limits are clipped (see `FunnelPlan`), never a crash.
///
/// Cost per person: one linear pass for an upper bound on the level, then attempts in time order
/// until one reaches the bound. Ordered persons without tied step events jump between steps by
/// binary search; other attempts walk their window, so a person with many first events that all
/// fall short of the bound costs starts × window rows (rare: it needs ties, any order or exclusions).
package enum FunnelEngine {
    /// What the query reads: from the range's start to its end plus the window (inclusive, hence
    /// one more microsecond), so steps after `to` still complete attempts that started before it.
    package static func request(_ query: FunnelQuery) -> FrameRequest {
        let plan = FunnelPlan(query)
        var roles = query.steps.prefix(plan.steps).map { FrameRequest.Role(event: $0.event, filters: $0.filters) }
        for i in plan.exclusionSources {
            roles.append(FrameRequest.Role(event: query.exclusions[i].event, filters: query.exclusions[i].filters))
        }
        // Ordered and strict attempts start at a step-1 event; any-order ones at any step event.
        let breakdownMask: UInt32 = plan.order == .any ? plan.stepMask : 1
        return FrameRequest(
            roles: roles, allEvents: plan.order == .strict,
            from: query.scope.from, to: query.scope.to + plan.window + 1,
            filters: query.scope.filters,
            strings: query.breakdown.map { [FrameRequest.PropertyRequest($0, roleMask: breakdownMask)] } ?? [])
    }

    /// The answer, from the query's frame.
    /// Frames with at least `parallelRows` rows are split between the cores (tests lower it).
    package static func compute(_ frame: EventFrame, _ query: FunnelQuery, parallelRows: Int = 200_000) -> FunnelResult
    {
        let plan = FunnelPlan(query)
        let outcomes = evaluate(frame, plan, breakdown: query.breakdown != nil, parallelRows: parallelRows)
        return FunnelStats(
            values: frame.strings.first?.values ?? [], query: query, plan: plan, outcomes: outcomes
        ).result()
    }

    /// A person's outcome found by another engine (a compiled statement): the level reached and the
    /// reported attempt's step times (the first `level`) and breakdown value.
    package struct PersonOutcome: Sendable {
        package var level: Int
        package var stepTimes: [Int64]
        package var breakdown: String?

        package init(level: Int, stepTimes: [Int64], breakdown: String?) {
            self.level = level
            self.stepTimes = stepTimes
            self.breakdown = breakdown
        }
    }

    /// The answer from the outcomes of the persons who entered the funnel, with the statistics the
    /// embedded engine computes from its own (`FunnelStats`): the same counts, times, groups and bins.
    package static func result(_ persons: [PersonOutcome], _ query: FunnelQuery) -> FunnelResult {
        let plan = FunnelPlan(query)
        var values: [String] = []
        var codes: [String: Int32] = [:]
        var outcomes = FunnelOutcomes(steps: plan.steps, count: persons.count)
        for (p, person) in persons.enumerated() {
            let level = max(0, min(person.level, plan.steps, person.stepTimes.count))
            outcomes.levels[p] = Int32(level)
            outcomes.startTimes[p] = person.stepTimes.first ?? 0
            for j in 0..<level { outcomes.stepTimes[p * plan.steps + j] = person.stepTimes[j] }
            if let value = person.breakdown {
                if codes[value] == nil {
                    codes[value] = Int32(values.count)
                    values.append(value)
                }
                outcomes.codes[p] = codes[value]!
            }
        }
        return FunnelStats(values: values, query: query, plan: plan, outcomes: outcomes).result()
    }

    /// An event of a person another engine leaves to the embedded evaluator (a compiled strict or any-order
    /// funnel does so for persons whose attempts are not plain sequences): its time, its roles (bits as
    /// `FunnelPlan` numbers them: the steps, then the exclusions) and its breakdown value.
    package struct PersonEvent: Sendable {
        package var person: String
        package var time: Int64
        package var roles: UInt32
        package var breakdown: String?

        package init(person: String, time: Int64, roles: UInt32, breakdown: String?) {
            self.person = person
            self.time = time
            self.roles = roles
            self.breakdown = breakdown
        }
    }

    /// The outcomes of the persons of `events` (every event of theirs the question reads), by the embedded
    /// evaluator; persons who did not enter the funnel are left out.
    package static func outcomes(_ events: [PersonEvent], _ query: FunnelQuery) -> [PersonOutcome] {
        guard !events.isEmpty else { return [] }
        let sorted = events.sorted { a, b in a.person != b.person ? a.person < b.person : a.time < b.time }
        var starts = [0]
        var ids: [String] = []
        var values: [String] = []
        var codes: [String: Int32] = [:]
        var column = StringColumn()
        for (i, event) in sorted.enumerated() {
            if i > 0 && event.person != sorted[i - 1].person { starts.append(i) }
            if ids.count < starts.count { ids.append(event.person) }
            var code: Int32 = -1
            if let value = event.breakdown {
                code = codes[value] ?? Int32(values.count)
                if code == Int32(values.count) {
                    codes[value] = code
                    values.append(value)
                }
            }
            column.codes.append(code)
        }
        starts.append(sorted.count)
        column.values = values
        let frame = EventFrame(
            personStarts: starts, times: sorted.map(\.time), roles: sorted.map(\.roles),
            strings: query.breakdown == nil ? [] : [column], personIDs: ids)
        let plan = FunnelPlan(query)
        let outcomes = evaluate(frame, plan, breakdown: query.breakdown != nil, parallelRows: 200_000)
        return (0..<frame.personCount).compactMap { p in
            let level = Int(outcomes.levels[p])
            guard level > 0 else { return nil }
            let code = outcomes.codes[p]
            return PersonOutcome(
                level: level, stepTimes: Array(outcomes.stepTimes[p * plan.steps..<p * plan.steps + level]),
                breakdown: code < 0 ? nil : values[Int(code)])
        }
    }

    /// Every person's level and reported attempt, on both cores for large frames.
    static func evaluate(_ frame: EventFrame, _ plan: FunnelPlan, breakdown: Bool, parallelRows: Int) -> FunnelOutcomes
    {
        let parts = frame.rowCount >= parallelRows ? max(2, min(activeProcessorCount(), 8)) : 1
        // Split by rows so that each core gets about the same work.
        let chunks = FrameBuilder.personRanges(starts: frame.personStarts, workers: parts)
        // Every chunk writes its own persons' entries of the one table.
        var all = FunnelOutcomes(steps: plan.steps, count: frame.personCount)
        all.withUnsafeColumns { columns in
            WorkPool.shared.parallelFor(iterations: chunks.count) { k in
                evaluate(frame, plan, breakdown: breakdown, persons: chunks[k], into: columns)
            }
        }
        return all
    }

    /// Evaluates `persons`, writing their entries of `out` (entries of persons at level 0 stay as they are).
    private static func evaluate(
        _ frame: EventFrame, _ plan: FunnelPlan, breakdown: Bool, persons: Range<Int>, into out: FunnelOutcomes.Columns
    ) {
        let column = breakdown ? frame.strings.first : nil
        let codes = column?.codes ?? []
        let steps = plan.steps
        frame.times.withUnsafeBufferPointer { times in
            frame.roles.withUnsafeBufferPointer { roles in
                codes.withUnsafeBufferPointer { codes in
                    frame.personStarts.withUnsafeBufferPointer { starts in
                        var evaluator = FunnelEvaluator(
                            plan: plan, times: times, roles: roles, codes: codes, values: column?.values ?? [])
                        for p in persons {
                            let (level, start) = evaluator.evaluate(starts[p]..<starts[p + 1])
                            guard level > 0 else { continue }
                            out.levels[p] = Int32(level)
                            out.startTimes[p] = times[start]
                            out.codes[p] = codes.isEmpty ? -1 : codes[start]
                            for j in 0..<level { out.stepTimes[p * steps + j] = evaluator.bestTimes[j] }
                        }
                    }
                }
            }
        }
    }
}

/// Per person of the frame: level and reported attempt (first time, breakdown code, step times).
struct FunnelOutcomes: Sendable {
    let steps: Int
    var levels: [Int32] = []
    var startTimes: [Int64] = []
    var codes: [Int32] = []
    /// `steps` entries per person; only the first `level` are meaningful.
    var stepTimes: [Int64] = []

    /// `count` persons at level 0 (no breakdown code, no times), to be filled in.
    init(steps: Int, count: Int) {
        self.steps = steps
        levels = [Int32](repeating: 0, count: count)
        startTimes = [Int64](repeating: 0, count: count)
        codes = [Int32](repeating: -1, count: count)
        stepTimes = [Int64](repeating: 0, count: count * steps)
    }

    var count: Int { levels.count }

    /// The table's columns as buffers, for filling them in on several cores (each at its own persons).
    struct Columns: @unchecked Sendable {
        let levels: UnsafeMutableBufferPointer<Int32>
        let startTimes: UnsafeMutableBufferPointer<Int64>
        let codes: UnsafeMutableBufferPointer<Int32>
        let stepTimes: UnsafeMutableBufferPointer<Int64>
    }

    mutating func withUnsafeColumns(_ body: (Columns) -> Void) {
        levels.withUnsafeMutableBufferPointer { levels in
            startTimes.withUnsafeMutableBufferPointer { startTimes in
                codes.withUnsafeMutableBufferPointer { codes in
                    stepTimes.withUnsafeMutableBufferPointer { stepTimes in
                        body(Columns(levels: levels, startTimes: startTimes, codes: codes, stepTimes: stepTimes))
                    }
                }
            }
        }
    }

    /// t_j − t_{j−1} of a person's reported attempt, microseconds (0-based `j` ≥ 1).
    func duration(_ person: Int, from a: Int, to b: Int) -> Int64 {
        stepTimes[person * steps + b] - stepTimes[person * steps + a]
    }
}
