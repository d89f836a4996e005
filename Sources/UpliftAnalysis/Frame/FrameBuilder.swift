package import UpliftModel
import UpliftStorage

/// Builds the frame of a query from decoded blocks: picks the rows the query's roles match
/// (reading properties only for rows whose event has filters), maps distinct ids to persons, and
/// groups the rows by person in time order.
package enum FrameBuilder {
    /// `parallelAbove`: queries over blocks of more rows than this are grouped on every core (tests set it low to
    /// check the parallel path gives the same frame).
    package static func build(
        blocks: [EventBlock], dictionaries: ProjectDictionaries, persons: PersonResolver, request: FrameRequest,
        parallelAbove: Int = 100_000
    ) throws(UpliftError) -> EventFrame {
        let plan = Plan(request, dictionaries)
        let wanted = blocks.filter { $0.count > 0 && $0.maxTime >= request.from && $0.minTime < request.to }
        guard request.groupByPerson else {
            return concatenate(
                try parallelMap(wanted) { (block) throws(UpliftError) in try select(block, plan) },
                request: request)
        }
        return try selectGrouped(
            wanted, plan: plan, persons: persons, dictionaries: dictionaries, request: request,
            parallelAbove: parallelAbove)
    }

    /// The rows as one group in storage order, for queries that do not count persons.
    static func concatenate(_ parts: [Part], request: FrameRequest) -> EventFrame {
        var frame = EventFrame()
        frame.times = parts.flatMap(\.times)
        frame.roles = parts.flatMap(\.roles)
        frame.personStarts = frame.times.isEmpty ? [0] : [0, frame.times.count]
        frame.personIDs = PersonIDs(frame.times.isEmpty ? [] : [""])
        frame.strings = request.strings.indices.map { j in
            var index: [String: Int32] = [:]
            var values: [String] = []
            let codes: [Int32] = parts.flatMap { $0.strings[j] }.map { s in
                guard let s else { return -1 }
                if let c = index[s] { return c }
                let c = Int32(values.count)
                index[s] = c
                values.append(s)
                return c
            }
            return StringColumn(codes: codes, values: values)
        }
        frame.numbers = request.numbers.indices.map { j in parts.flatMap { $0.numbers[j] } }
        return frame
    }

    /// What the row scan needs, per event code.
    struct Plan: @unchecked Sendable {
        let request: FrameRequest
        /// Roles an event matches without looking at properties.
        var staticMask: [UInt32]
        /// Roles an event may match once its properties pass the filters.
        var candidateMask: [UInt32]
        /// Events kept as role-less rows (`allEvents`): everything but bookkeeping.
        var keepAll: [Bool]
        let stringReaders: [PropertyReader]
        let numberReaders: [PropertyReader]
        /// The query's `where` and each role's filters, prepared once for every row.
        let filters: [PropertyFilter.Prepared]
        let roleFilters: [[PropertyFilter.Prepared]]

        init(_ request: FrameRequest, _ dictionaries: ProjectDictionaries) {
            self.request = request
            filters = request.filters.map(PropertyFilter.Prepared.init)
            roleFilters = request.roles.map { $0.filters.map(PropertyFilter.Prepared.init) }
            let names = dictionaries.events.strings()
            staticMask = [UInt32](repeating: 0, count: names.count)
            candidateMask = staticMask
            keepAll = names.map { request.allEvents && !EventFrame.bookkeepingEvents.contains($0) }
            for (r, role) in request.roles.enumerated() {
                let bit = UInt32(1) << UInt32(r)
                let filtered = !role.filters.isEmpty || !request.filters.isEmpty
                for (code, name) in names.enumerated() {
                    let matches = role.event.map { $0 == name } ?? !EventFrame.bookkeepingEvents.contains(name)
                    guard matches else { continue }
                    if filtered { candidateMask[code] |= bit } else { staticMask[code] |= bit }
                }
            }
            stringReaders = request.strings.map { PropertyReader($0.property) }
            numberReaders = request.numbers.map { PropertyReader($0.property) }
        }

        var anyKeepAll: Bool { request.allEvents }

        var needsProperties: Bool {
            !request.strings.isEmpty || !request.numbers.isEmpty || candidateMask.contains { $0 != 0 }
        }
    }

    /// The rows of one block a query keeps, before grouping by person.
    struct Part: Sendable {
        var distinctIDs: [Int32] = []
        var times: [Int64] = []
        var roles: [UInt32] = []
        var strings: [[String?]] = []
        var numbers: [[Double]] = []
    }

    static func select(_ block: EventBlock, _ plan: Plan) throws(UpliftError) -> Part {
        let request = plan.request
        try request.budget?.check()
        var part = Part()
        if !plan.needsProperties {
            // The common case: roles follow from the event name alone. Rare events are read through
            // the block's rows-by-event lists; otherwise one pass over the block.
            let (from, to) = (request.from, request.to)
            let known = plan.staticMask.count
            let listed =
                plan.anyKeepAll
                ? nil
                : block.rows(ofEvents: { Int($0) < known && plan.staticMask[Int($0)] != 0 }, atMost: block.count / 4)
            let n = listed?.count ?? block.count
            var outDistinct = [Int32](repeating: 0, count: n)
            var outTimes = [Int64](repeating: 0, count: n)
            var outRoles = [UInt32](repeating: 0, count: n)
            var kept = 0
            block.events.withUnsafeBufferPointer { events in
                block.times.withUnsafeBufferPointer { times in
                    block.distinctIDs.withUnsafeBufferPointer { distinct in
                        plan.staticMask.withUnsafeBufferPointer { mask in
                            plan.keepAll.withUnsafeBufferPointer { keepAll in
                                outDistinct.withUnsafeMutableBufferPointer { od in
                                    outTimes.withUnsafeMutableBufferPointer { ot in
                                        outRoles.withUnsafeMutableBufferPointer { orr in
                                            @inline(__always) func visit(_ i: Int) {
                                                let t = times[i]
                                                let code = Int(events[i])
                                                // Codes added after the plan was made belong to events no role names.
                                                guard t >= from, t < to, code < known else { return }
                                                let m = mask[code]
                                                guard m != 0 || keepAll[code] else { return }
                                                od[kept] = distinct[i]
                                                ot[kept] = t
                                                orr[kept] = m
                                                kept += 1
                                            }
                                            if let listed {
                                                for i in listed { visit(Int(i)) }
                                            } else {
                                                for i in 0..<n { visit(i) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            outDistinct.removeLast(n - kept)
            outTimes.removeLast(n - kept)
            outRoles.removeLast(n - kept)
            part.distinctIDs = outDistinct
            part.times = outTimes
            part.roles = outRoles
            return part
        }
        var rows: [Int] = []
        let known = plan.staticMask.count
        let listed =
            plan.anyKeepAll
            ? nil
            : block.rows(
                ofEvents: { Int($0) < known && plan.staticMask[Int($0)] | plan.candidateMask[Int($0)] != 0 },
                atMost: block.count / 4)
        for i in listed.map({ $0.map(Int.init) }) ?? Array(0..<block.count) {
            let t = block.times[i]
            guard t >= request.from, t < request.to else { continue }
            let code = Int(block.events[i])
            guard code < plan.staticMask.count else { continue }
            guard plan.staticMask[code] | plan.candidateMask[code] != 0 || plan.keepAll[code] else { continue }
            rows.append(i)
        }
        part.distinctIDs.reserveCapacity(rows.count)
        part.times.reserveCapacity(rows.count)
        part.roles.reserveCapacity(rows.count)
        for i in rows {
            part.distinctIDs.append(block.distinctIDs[i])
            part.times.append(block.times[i])
            part.roles.append(plan.staticMask[Int(block.events[i])])
        }
        part.strings = request.strings.map { _ in [String?](repeating: nil, count: rows.count) }
        part.numbers = request.numbers.map { _ in [Double](repeating: .nan, count: rows.count) }
        guard plan.needsProperties else { return part }

        // Rows whose outcome depends on properties: read each needed JSON text once.
        let wantsContext =
            (request.roles.flatMap(\.filters) + request.filters).contains { $0.property.source == .context }
            || (request.strings + request.numbers).contains { $0.property.source == .context }
        let wantsProperties =
            (request.roles.flatMap(\.filters) + request.filters).contains { $0.property.source == .properties }
            || (request.strings + request.numbers).contains { $0.property.source == .properties }
        var needy: [Int] = []  // positions in `rows`
        for (k, i) in rows.enumerated() {
            let code = Int(block.events[i])
            let mask = plan.staticMask[code] | plan.candidateMask[code]
            if plan.candidateMask[code] != 0
                || (request.strings + request.numbers).contains(where: { $0.roleMask & mask != 0 })
            {
                needy.append(k)
            }
        }
        var propertyValues = [[PropertyValue]](repeating: [], count: rows.count)
        var contextValues = [[PropertyValue]](repeating: [], count: rows.count)
        let propertyRefs = uniqueRefs(request, .properties)
        let contextRefs = uniqueRefs(request, .context)
        let propertyReaders = propertyRefs.map(PropertyReader.init)
        let contextReaders = contextRefs.map(PropertyReader.init)
        let needyRows = needy.map { rows[$0] }
        var positionOf: [Int: Int] = [:]
        for k in needy { positionOf[rows[k]] = k }
        // Texts are parsed row by row (up to 32 KB each): a stopped query skips the rest of them.
        let budget = request.budget
        func stopped() -> Bool { budget.map { $0.stop != .running } ?? false }
        if wantsProperties {
            // A segment with typed columns for some of them reads those, and texts only where they must.
            if case .segment(_, let store) = block.origin,
                let typed = try store.propertyValues(propertyRefs, rows: needyRows, block: block)
            {
                for (row, values) in zip(needyRows, typed) { propertyValues[positionOf[row]!] = values }
            } else {
                try BlockTexts.forEach(block, .properties, rows: needyRows) { row, text in
                    guard !stopped() else { return }
                    propertyValues[positionOf[row]!] = PropertyReader.values(in: text, propertyReaders)
                }
            }
        }
        if wantsContext {
            try BlockTexts.forEach(block, .context, rows: needyRows) { row, text in
                guard !stopped() else { return }
                contextValues[positionOf[row]!] = PropertyReader.values(in: text, contextReaders)
            }
        }
        try budget?.check()
        func value(_ k: Int, _ ref: PropertyRef) -> PropertyValue {
            switch ref.source {
            case .properties:
                return propertyRefs.firstIndex(of: ref).map {
                    propertyValues[k].isEmpty ? .absent : propertyValues[k][$0]
                } ?? .absent
            case .context:
                return contextRefs.firstIndex(of: ref).map { contextValues[k].isEmpty ? .absent : contextValues[k][$0] }
                    ?? .absent
            }
        }
        for (n, k) in needy.enumerated() {
            if n & 15 == 15 { try budget?.check() }
            let code = Int(block.events[rows[k]])
            var mask = plan.staticMask[code]
            var candidates = plan.candidateMask[code]
            let global = plan.filters.allSatisfy { $0.matches(value(k, $0.filter.property)) }
            while candidates != 0 {
                let r = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                if global && plan.roleFilters[r].allSatisfy({ $0.matches(value(k, $0.filter.property)) }) {
                    mask |= 1 << UInt32(r)
                }
            }
            part.roles[k] = mask
            for (j, s) in request.strings.enumerated() where s.roleMask & mask != 0 {
                if case .value(let text, _) = value(k, s.property) { part.strings[j][k] = text }
            }
            for (j, n) in request.numbers.enumerated() where n.roleMask & mask != 0 {
                if case .value(_, let number?) = value(k, n.property) { part.numbers[j][k] = number }
            }
        }
        // Drop rows that match nothing after the filters (unless every event is kept).
        if part.roles.contains(0) {
            var kept = Part(strings: request.strings.map { _ in [] }, numbers: request.numbers.map { _ in [] })
            for k in part.roles.indices where part.roles[k] != 0 || plan.keepAll[Int(block.events[rows[k]])] {
                kept.distinctIDs.append(part.distinctIDs[k])
                kept.times.append(part.times[k])
                kept.roles.append(part.roles[k])
                for j in kept.strings.indices { kept.strings[j].append(part.strings[j][k]) }
                for j in kept.numbers.indices { kept.numbers[j].append(part.numbers[j][k]) }
            }
            part = kept
        }
        return part
    }

    private static func uniqueRefs(_ request: FrameRequest, _ source: PropertyRef.Source) -> [PropertyRef] {
        var seen: [PropertyRef] = []
        for ref in (request.roles.flatMap(\.filters) + request.filters).map(\.property)
            + (request.strings + request.numbers).map(\.property)
        where ref.source == source && !seen.contains(ref) {
            seen.append(ref)
        }
        return seen
    }

    /// Selects the rows of the blocks and groups them by person, then time. Each core takes a contiguous run
    /// of blocks (about equal rows: blocks come in day order), selects their rows and counts them per person
    /// code; the counts give every (person, core) its slots, so each core then moves only its own rows
    /// (stable: a person's rows of earlier days first, and segments are sorted by distinct id and time, so
    /// most persons' rows arrive in time order), and a person whose rows are not in time order is sorted.
    static func selectGrouped(
        _ blocks: [EventBlock], plan: Plan, persons: PersonResolver, dictionaries: ProjectDictionaries,
        request: FrameRequest, parallelAbove: Int
    ) throws(UpliftError) -> EventFrame {
        let personOf = persons.personOf
        let codeCount = personOf.count
        let blockRows = blocks.reduce(0) { $0 + $1.count }
        let workers = blockRows <= parallelAbove ? 1 : max(1, min(activeProcessorCount(), blocks.count, 8))
        let runs = blockRuns(blocks, workers: workers)
        // Per worker: its parts, and rows per person code (then, in place, the slot of its next row).
        let slots = (0..<workers).map { _ in UnsafeMutableBufferPointer<Int32>.allocate(capacity: codeCount) }
        defer { for s in slots { s.deallocate() } }
        let selected = ResultSlots<[Part]>(count: workers)
        let shared = SlotTables(slots)
        WorkPool.shared.parallelFor(iterations: workers) { w in
            let counts = shared.tables[w]
            counts.initialize(repeating: 0)
            var parts: [Part] = []
            do throws(UpliftError) {
                for block in blocks[runs[w]] {
                    var part = try select(block, plan)
                    // From here on a part's `distinctIDs` hold person codes.
                    personOf.withUnsafeBufferPointer { personOf in
                        part.distinctIDs.withUnsafeMutableBufferPointer { ids in
                            for i in ids.indices {
                                let p = personOf[Int(ids[i])]
                                ids[i] = p
                                counts[Int(p)] &+= 1
                            }
                        }
                    }
                    parts.append(part)
                }
                selected.set(w, .success(parts))
            } catch {
                selected.set(w, .failure(error))
            }
        }
        let partsOf = try selected.values()
        let total = partsOf.reduce(0) { $0 + $1.reduce(0) { $0 + $1.times.count } }
        guard total < Int(Int32.max) else {
            throw UpliftError(.tooLarge, "the query selects \(total) events, more than one query can group")
        }
        // Persons in code order; each worker's first slot per person after the rows of the workers before it.
        var personCodes: [Int32] = []
        var starts: [Int] = [0]
        var next: Int32 = 0
        for code in 0..<codeCount {
            let first = next
            for counts in slots {
                let n = counts[code]
                counts[code] = next
                next &+= n
            }
            if next != first {
                personCodes.append(Int32(code))
                starts.append(Int(next))
            }
        }
        let needOrder = !request.strings.isEmpty || !request.numbers.isEmpty
        var times = [Int64](repeating: 0, count: total)
        var roles = [UInt32](repeating: 0, count: total)
        var order = needOrder ? [Int](repeating: 0, count: total) : []
        // Where each worker's rows start among all parts' rows in block order (what `order` points into).
        var firstRow = [0]
        for parts in partsOf { firstRow.append(firstRow[firstRow.count - 1] + parts.reduce(0) { $0 + $1.times.count }) }
        let personStarts = starts
        let sortRanges = personRanges(starts: starts, workers: workers)
        times.withUnsafeMutableBufferPointer { times in
            roles.withUnsafeMutableBufferPointer { roles in
                order.withUnsafeMutableBufferPointer { order in
                    let out = Scatter(times: times, roles: roles, order: order)
                    WorkPool.shared.parallelFor(iterations: workers) { w in
                        out.scatter(partsOf[w], slots: shared.tables[w], firstRow: firstRow[w], needOrder: needOrder)
                    }
                    WorkPool.shared.parallelFor(iterations: sortRanges.count) { k in
                        out.sortByTime(starts: personStarts, persons: sortRanges[k], needOrder: needOrder)
                    }
                }
            }
        }
        let parts = partsOf.flatMap { $0 }
        var frame = EventFrame()
        frame.personStarts = starts
        frame.times = times
        frame.roles = roles
        frame.strings = request.strings.indices.map { j in
            let all = parts.flatMap { $0.strings[j] }
            var codes = [Int32](repeating: -1, count: total)
            var values: [String] = []
            var index: [String: Int32] = [:]
            for (i, r) in order.enumerated() {
                guard let s = all[r] else { continue }
                if let c = index[s] {
                    codes[i] = c
                } else {
                    let c = Int32(values.count)
                    index[s] = c
                    values.append(s)
                    codes[i] = c
                }
            }
            return StringColumn(codes: codes, values: values)
        }
        frame.numbers = request.numbers.indices.map { j in
            let all = parts.flatMap { $0.numbers[j] }
            return order.map { all[$0] }
        }
        frame.personIDs = PersonIDs(codes: personCodes, dictionary: dictionaries.distinctIDs)
        return frame
    }

    /// `workers` contiguous runs of the blocks with about the same number of rows each.
    static func blockRuns(_ blocks: [EventBlock], workers: Int) -> [Range<Int>] {
        let total = blocks.reduce(0) { $0 + $1.count }
        var runs: [Range<Int>] = []
        var start = 0
        var seen = 0
        for w in 1...workers {
            let target = total * w / workers
            var end = start
            while end < blocks.count && (w == workers || seen + blocks[end].count <= target || end == start) {
                seen += blocks[end].count
                end += 1
            }
            runs.append(start..<end)
            start = end
        }
        return runs
    }

    /// Up to `workers` contiguous ranges of persons with about the same number of rows each.
    static func personRanges(starts: [Int], workers: Int) -> [Range<Int>] {
        let persons = starts.count - 1
        let total = starts[persons]
        var ranges: [Range<Int>] = []
        var low = 0
        for w in 1...max(1, workers) {
            let high = w == workers ? persons : firstIndex(in: starts, atLeast: total * w / workers, below: persons)
            if high > low { ranges.append(low..<high) }
            low = max(low, high)
        }
        return ranges
    }

    /// The first index below `limit` of a sorted list whose value is at least `value` (`limit` when none is).
    static func firstIndex(in sorted: [Int], atLeast value: Int, below limit: Int) -> Int {
        var low = 0
        var high = limit
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The workers' slot tables, each written by its own worker only.
    struct SlotTables: @unchecked Sendable {
        let tables: [UnsafeMutableBufferPointer<Int32>]
        init(_ tables: [UnsafeMutableBufferPointer<Int32>]) { self.tables = tables }
    }

    /// The grouping's output buffers, written by several workers at disjoint slots.
    struct Scatter: @unchecked Sendable {
        let times: UnsafeMutableBufferPointer<Int64>
        let roles: UnsafeMutableBufferPointer<UInt32>
        let order: UnsafeMutableBufferPointer<Int>

        /// Moves the rows of `parts` (their `distinctIDs` replaced by person codes) to their persons' slots, in
        /// arrival order (`slots`: the next slot per person code, advanced as rows are placed).
        func scatter(_ parts: [Part], slots: UnsafeMutableBufferPointer<Int32>, firstRow: Int, needOrder: Bool) {
            var r = firstRow
            for part in parts {
                part.times.withUnsafeBufferPointer { partTimes in
                    part.roles.withUnsafeBufferPointer { partRoles in
                        part.distinctIDs.withUnsafeBufferPointer { persons in
                            for i in 0..<partTimes.count {
                                let p = Int(persons[i])
                                let slot = Int(slots[p])
                                slots[p] = Int32(slot + 1)
                                times[slot] = partTimes[i]
                                roles[slot] = partRoles[i]
                                if needOrder { order[slot] = r + i }
                            }
                        }
                    }
                }
                r += part.times.count
            }
        }

        /// Sorts the rows of each person in `persons` by time (stable), where they are not already.
        func sortByTime(starts: [Int], persons: Range<Int>, needOrder: Bool) {
            for p in persons {
                let range = starts[p]..<starts[p + 1]
                var sorted = true
                var last = Int64.min
                for i in range {
                    if times[i] < last {
                        sorted = false
                        break
                    }
                    last = times[i]
                }
                guard !sorted else { continue }
                let local = range.sorted { (times[$0], $0) < (times[$1], $1) }
                let t = local.map { times[$0] }
                let ro = local.map { roles[$0] }
                let o = needOrder ? local.map { order[$0] } : []
                for (k, i) in range.enumerated() {
                    times[i] = t[k]
                    roles[i] = ro[k]
                    if needOrder { order[i] = o[k] }
                }
            }
        }
    }

    /// Runs `body` over the items on every core (the shared pool's parallel loop), keeping order.
    static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], _ body: @Sendable (T) throws(UpliftError) -> R
    ) throws(UpliftError) -> [R] {
        if items.count <= 1 { return try items.map(body) }
        let results = ResultSlots<R>(count: items.count)
        let next = Counter()
        let workers = min(items.count, max(1, activeProcessorCount()))
        WorkPool.shared.parallelFor(iterations: workers) { _ in
            while let i = next.take(below: items.count) {
                do throws(UpliftError) { results.set(i, .success(try body(items[i]))) } catch {
                    results.set(i, .failure(error))
                }
            }
        }
        return try results.values()
    }
}
