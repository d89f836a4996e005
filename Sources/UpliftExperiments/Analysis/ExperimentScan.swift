import Synchronization
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// The per-person pass over one experiment frame: first exposure and variant, then every metric
/// of the frame in one walk over the person's rows (funnels through the engine's ordered-funnel
/// matching on a person-local copy of the rows whose roles are the funnel's steps).
struct ExperimentScan: Sendable {
    let frame: EventFrame
    let plan: ExperimentPlan.Frame
    /// Variant index per code of the frame's variant column; -1 for a value naming no variant.
    let variantOfCode: [Int]
    let variants: Int
    let from: Int64
    let to: Int64
    let preWindow: Int64
    let firstOnly: Bool
    let firstDay: Int64
    let days: Int

    /// Every person, on every core for large frames.
    func run(parallelRows: Int = 200_000) -> ExperimentTally {
        let persons = frame.personCount
        let parts = frame.rowCount >= parallelRows ? max(2, min(WorkPool.shared.width, 8)) : 1
        var chunks: [Range<Int>] = []
        for k in 0..<parts {
            let lo = k == 0 ? 0 : firstPerson(atRow: frame.rowCount * k / parts)
            let hi = k == parts - 1 ? persons : firstPerson(atRow: frame.rowCount * (k + 1) / parts)
            if lo < hi { chunks.append(lo..<hi) }
        }
        var total = emptyTally()
        if chunks.count <= 1 {
            if let only = chunks.first { total.merge(run(persons: only)) }
            return total
        }
        let ranges = chunks
        let results = Mutex<[ExperimentTally?]>(Array(repeating: nil, count: ranges.count))
        WorkPool.shared.parallelFor(iterations: ranges.count) { i in
            let tally = run(persons: ranges[i])
            results.withLock { $0[i] = tally }
        }
        for tally in results.withLock({ $0 }) {
            if let tally { total.merge(tally) }
        }
        return total
    }

    private func emptyTally() -> ExperimentTally {
        ExperimentTally(variants: variants, days: days, components: plan.metrics.map(\.components))
    }

    private func firstPerson(atRow row: Int) -> Int {
        var lo = 0
        var hi = frame.personCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if frame.personStarts[mid] < row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func run(persons: Range<Int>) -> ExperimentTally {
        var tally = emptyTally()
        var maxRows = 1
        for p in persons { maxRows = max(maxRows, frame.personStarts[p + 1] - frame.personStarts[p]) }
        let funnels = plan.funnels.count
        let scratchTimes = UnsafeMutableBufferPointer<Int64>.allocate(capacity: funnels > 0 ? maxRows : 0)
        let scratchRoles = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: funnels * maxRows)
        defer {
            scratchTimes.deallocate()
            scratchRoles.deallocate()
        }
        var levels = plan.funnels.enumerated().map { f, funnel in
            OrderedFunnelLevels(
                steps: funnel.steps, window: funnel.window, from: from, to: to,
                times: UnsafeBufferPointer(scratchTimes),
                roles: UnsafeBufferPointer(rebasing: scratchRoles[f * maxRows..<(f + 1) * maxRows]))
        }
        var acc = [Double](repeating: 0, count: plan.measures.count)
        var z = [Double](repeating: 0, count: 4)
        let codes = frame.strings[0].codes
        frame.times.withUnsafeBufferPointer { times in
            frame.roles.withUnsafeBufferPointer { roles in
                codes.withUnsafeBufferPointer { codes in
                    for p in persons {
                        let rows = frame.rows(of: p)
                        // First exposure: the earliest exposure naming a variant; at equal times the
                        // variant listed first in the definition.
                        var first = Int64.max
                        var variant = -1
                        var seen = -1
                        var multiple = false
                        var unknown = false
                        for r in rows where roles[r] & ExperimentPlan.exposureBit != 0 {
                            let t = times[r]
                            guard t >= from, t < to else { continue }
                            let code = Int(codes[r])
                            let v = code < 0 ? -1 : variantOfCode[code]
                            if v < 0 {
                                unknown = true
                                continue
                            }
                            if seen < 0 { seen = v } else if v != seen { multiple = true }
                            if t < first || (t == first && v < variant) {
                                first = t
                                variant = v
                            }
                        }
                        if unknown { tally.unknownVariantPersons += 1 }
                        guard variant >= 0 else { continue }
                        if multiple {
                            tally.multipleExposures += 1
                            guard firstOnly else { continue }
                        }
                        tally.persons[variant] += 1
                        let day = Int(UTCDay(microseconds: first).daysSinceEpoch - firstDay)
                        tally.dayPersons[day * variants + variant] += 1

                        // Measures: one walk over the person's rows.
                        for i in acc.indices { acc[i] = 0 }
                        let preStart = first > Int64.min + preWindow ? first - preWindow : Int64.min
                        for r in rows {
                            let m = roles[r] & plan.metricMask
                            guard m != 0 else { continue }
                            let t = times[r]
                            guard t >= preStart else { continue }
                            for (i, measure) in plan.measures.enumerated() where m & measure.bit != 0 {
                                let inside =
                                    measure.pre
                                    ? t < first : t >= first && (measure.window < 0 || t - first <= measure.window)
                                guard inside else { continue }
                                if measure.number < 0 {
                                    acc[i] += 1
                                } else {
                                    let x = frame.numbers[measure.number][r]
                                    if !x.isNaN { acc[i] += x }
                                }
                            }
                        }
                        // Funnels: the person's rows with the funnel's steps as bits 0 … n−1, and
                        // nothing before the first exposure (step 1 must be at or after it).
                        if funnels > 0 {
                            let count = rows.count
                            for k in 0..<count { scratchTimes[k] = times[rows.lowerBound + k] }
                            for f in 0..<funnels {
                                let bits = plan.funnels[f].stepBits
                                let base = f * maxRows
                                for k in 0..<count {
                                    let r = rows.lowerBound + k
                                    var compact: UInt32 = 0
                                    if times[r] >= first {
                                        let m = roles[r]
                                        for s in bits.indices where m & bits[s] != 0 { compact |= 1 << UInt32(s) }
                                    }
                                    scratchRoles[base + k] = compact
                                }
                            }
                        }
                        for (j, metric) in plan.metrics.enumerated() {
                            let k = metric.components
                            if metric.kind == .funnel {
                                let level = levels[metric.funnel].level(0..<rows.count)
                                z[0] = level == plan.funnels[metric.funnel].steps.count ? 1 : 0
                            } else {
                                for c in 0..<k {
                                    let a = acc[metric.measures[c]]
                                    z[c] = metric.kind == .proportion ? (a > 0 ? 1 : 0) : a
                                }
                            }
                            let base = variant * ExperimentTally.stride(k)
                            var slot = base + k
                            for a in 0..<k {
                                tally.values[j][base + a] += z[a]
                                for b in a..<k {
                                    tally.values[j][slot] += z[a] * z[b]
                                    slot += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return tally
    }
}
