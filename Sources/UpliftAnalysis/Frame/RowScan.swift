package import UpliftModel
import UpliftStorage

/// What a query folds the rows it keeps into when it needs neither a person's rows together nor
/// their order (adoption over rolling windows): one accumulator per core, merged at the end.
package protocol RowAccumulator: Sendable {
    /// One kept row: its time, the roles it matches (0 with `allEvents` for a role-less row), and its
    /// person's code (below `PersonResolver.personOf.count`; codes are not dense).
    mutating func add(time: Int64, roles: UInt32, person: Int32)
    /// Another worker's accumulator, for the same request.
    mutating func merge(_ other: Self)
}

extension FrameBuilder {
    /// Folds the rows the request keeps into accumulators made by `make`, without building a frame:
    /// no rows are copied or grouped, which is most of a frame's cost when every event is kept.
    /// Rows come in block order, not time order.
    package static func scan<A: RowAccumulator>(
        blocks: [EventBlock], dictionaries: ProjectDictionaries, persons: PersonResolver,
        request: FrameRequest, make: @Sendable () -> A
    ) throws(UpliftError) -> A {
        let plan = Plan(request, dictionaries)
        let kept = blocks.filter { $0.count > 0 && $0.maxTime >= request.from && $0.minTime < request.to }
        let workers = max(1, min(kept.count, activeProcessorCount()))
        let results = ResultSlots<A>(count: workers)
        let next = Counter()
        let personOf = persons.personOf
        WorkPool.shared.parallelFor(iterations: workers) { w in
            var accumulator = make()
            do throws(UpliftError) {
                while let i = next.take(below: kept.count) {
                    try request.budget?.check()
                    try fold(kept[i], plan, personOf, into: &accumulator)
                }
                results.set(w, .success(accumulator))
            } catch {
                results.set(w, .failure(error))
            }
        }
        var all = try results.values()
        var merged = all.removeFirst()
        for other in all { merged.merge(other) }
        return merged
    }

    /// One block's kept rows into the accumulator: straight from the block's columns when roles follow
    /// from event names alone, else through `select` (which reads the properties the filters need).
    static func fold<A: RowAccumulator>(
        _ block: EventBlock, _ plan: Plan, _ personOf: [Int32], into accumulator: inout A
    ) throws(UpliftError) {
        guard !plan.needsProperties else {
            let part = try select(block, plan)
            for i in 0..<part.times.count {
                accumulator.add(time: part.times[i], roles: part.roles[i], person: personOf[Int(part.distinctIDs[i])])
            }
            return
        }
        let (from, to) = (plan.request.from, plan.request.to)
        let known = plan.staticMask.count
        block.events.withUnsafeBufferPointer { events in
            block.times.withUnsafeBufferPointer { times in
                block.distinctIDs.withUnsafeBufferPointer { distinct in
                    plan.staticMask.withUnsafeBufferPointer { mask in
                        plan.keepAll.withUnsafeBufferPointer { keepAll in
                            personOf.withUnsafeBufferPointer { personOf in
                                for i in 0..<block.count {
                                    let t = times[i]
                                    let code = Int(events[i])
                                    guard t >= from, t < to, code < known else { continue }
                                    let m = mask[code]
                                    guard m != 0 || keepAll[code] else { continue }
                                    accumulator.add(time: t, roles: m, person: personOf[Int(distinct[i])])
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
