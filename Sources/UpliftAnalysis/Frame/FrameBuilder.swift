import Dispatch
package import UpliftModel

/// Builds the frame of a query from decoded blocks: picks the rows the query's roles match
/// (reading properties only for rows whose event has filters), maps distinct ids to persons, and
/// groups the rows by person in time order.
package enum FrameBuilder {
    package static func build(blocks: [EventBlock], dictionaries: ProjectDictionaries, persons: PersonResolver, request: FrameRequest) throws(UpliftError) -> EventFrame {
        let plan = Plan(request, dictionaries)
        let parts = try parallelMap(blocks.filter { $0.count > 0 && $0.maxTime >= request.from && $0.minTime < request.to }) { (block) throws(UpliftError) in
            try select(block, plan)
        }
        return group(parts, persons: persons, dictionaries: dictionaries, request: request)
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

        init(_ request: FrameRequest, _ dictionaries: ProjectDictionaries) {
            self.request = request
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
        var part = Part()
        var rows: [Int] = []
        var pending: [Int] = []  // rows whose roles depend on properties, or that carry requested properties
        block.events.withUnsafeBufferPointer { events in
            block.times.withUnsafeBufferPointer { times in
                plan.staticMask.withUnsafeBufferPointer { staticMask in
                    plan.candidateMask.withUnsafeBufferPointer { candidateMask in
                        let fast = !plan.needsProperties
                        for i in 0..<events.count {
                            let t = times[i]
                            guard t >= request.from, t < request.to else { continue }
                            let code = Int(events[i])
                            // Codes added after the plan was made belong to events no role names.
                            guard code < staticMask.count else { continue }
                            let s = staticMask[code], c = candidateMask[code]
                            guard s | c != 0 || plan.keepAll[code] else { continue }
                            rows.append(i)
                            if !fast { pending.append(0) }
                        }
                    }
                }
            }
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
        let wantsContext = (request.roles.flatMap(\.filters) + request.filters).contains { $0.property.source == .context }
            || (request.strings + request.numbers).contains { $0.property.source == .context }
        let wantsProperties = (request.roles.flatMap(\.filters) + request.filters).contains { $0.property.source == .properties }
            || (request.strings + request.numbers).contains { $0.property.source == .properties }
        var needy: [Int] = []  // positions in `rows`
        for (k, i) in rows.enumerated() {
            let code = Int(block.events[i])
            let mask = plan.staticMask[code] | plan.candidateMask[code]
            if plan.candidateMask[code] != 0 || (request.strings + request.numbers).contains(where: { $0.roleMask & mask != 0 }) {
                needy.append(k)
            }
        }
        var propertyValues = [[PropertyValue]](repeating: [], count: rows.count)
        var contextValues = [[PropertyValue]](repeating: [], count: rows.count)
        let propertyRefs = uniqueRefs(request, .properties), contextRefs = uniqueRefs(request, .context)
        let propertyReaders = propertyRefs.map(PropertyReader.init), contextReaders = contextRefs.map(PropertyReader.init)
        let needyRows = needy.map { rows[$0] }
        var positionOf: [Int: Int] = [:]
        for k in needy { positionOf[rows[k]] = k }
        if wantsProperties {
            try BlockTexts.forEach(block, .properties, rows: needyRows) { row, text in
                propertyValues[positionOf[row]!] = PropertyReader.values(in: text, propertyReaders)
            }
        }
        if wantsContext {
            try BlockTexts.forEach(block, .context, rows: needyRows) { row, text in
                contextValues[positionOf[row]!] = PropertyReader.values(in: text, contextReaders)
            }
        }
        func value(_ k: Int, _ ref: PropertyRef) -> PropertyValue {
            switch ref.source {
            case .properties: return propertyRefs.firstIndex(of: ref).map { propertyValues[k].isEmpty ? .absent : propertyValues[k][$0] } ?? .absent
            case .context: return contextRefs.firstIndex(of: ref).map { contextValues[k].isEmpty ? .absent : contextValues[k][$0] } ?? .absent
            }
        }
        for k in needy {
            let code = Int(block.events[rows[k]])
            var mask = plan.staticMask[code]
            var candidates = plan.candidateMask[code]
            let global = request.filters.allSatisfy { $0.matches(value(k, $0.property)) }
            while candidates != 0 {
                let r = candidates.trailingZeroBitCount
                candidates &= candidates - 1
                if global && request.roles[r].filters.allSatisfy({ $0.matches(value(k, $0.property)) }) { mask |= 1 << UInt32(r) }
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
        for ref in (request.roles.flatMap(\.filters) + request.filters).map(\.property) + (request.strings + request.numbers).map(\.property)
        where ref.source == source && !seen.contains(ref) {
            seen.append(ref)
        }
        return seen
    }

    /// Concatenates the parts, maps distinct ids to persons, and orders rows by person, then time.
    static func group(_ parts: [Part], persons: PersonResolver, dictionaries: ProjectDictionaries, request: FrameRequest) -> EventFrame {
        let total = parts.reduce(0) { $0 + $1.times.count }
        let personOf = persons.personOf
        // Dense person numbers in order of first appearance.
        var dense = [Int32](repeating: -1, count: personOf.count)
        var personCodes: [Int32] = []
        var rowPerson = [Int32](repeating: 0, count: total)
        var counts: [Int] = []
        var n = 0
        for part in parts {
            for d in part.distinctIDs {
                let p = Int(personOf[Int(d)])
                var x = dense[p]
                if x < 0 {
                    x = Int32(personCodes.count)
                    dense[p] = x
                    personCodes.append(Int32(p))
                    counts.append(0)
                }
                rowPerson[n] = x
                counts[Int(x)] += 1
                n += 1
            }
        }
        var starts = [Int](repeating: 0, count: counts.count + 1)
        for p in counts.indices { starts[p + 1] = starts[p] + counts[p] }
        // Scatter rows to their person's slot (stable: blocks are in day order).
        var position = Array(starts.dropLast())
        var order = [Int](repeating: 0, count: total)
        for r in 0..<total {
            let p = Int(rowPerson[r])
            order[position[p]] = r
            position[p] += 1
        }
        let allTimes = parts.flatMap(\.times)
        // Sort each person's rows by time where they are not already in order.
        for p in counts.indices {
            let range = starts[p]..<starts[p + 1]
            var sorted = true
            var last = Int64.min
            for i in range {
                let t = allTimes[order[i]]
                if t < last { sorted = false; break }
                last = t
            }
            if !sorted { order[range].sort { (allTimes[$0], $0) < (allTimes[$1], $1) } }
        }
        var frame = EventFrame()
        frame.personStarts = starts
        frame.times = order.map { allTimes[$0] }
        let allRoles = parts.flatMap(\.roles)
        frame.roles = order.map { allRoles[$0] }
        frame.strings = request.strings.indices.map { j in
            let all = parts.flatMap { $0.strings[j] }
            var codes = [Int32](repeating: -1, count: total)
            var values: [String] = []
            var index: [String: Int32] = [:]
            for (i, r) in order.enumerated() {
                guard let s = all[r] else { continue }
                if let c = index[s] { codes[i] = c } else {
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
        let ids = dictionaries.distinctIDs.strings()
        frame.personIDs = personCodes.map { ids[Int($0)] }
        return frame
    }

    /// Runs `body` over the items on up to two threads (the machine's cores), keeping order.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) throws(UpliftError) -> R) throws(UpliftError) -> [R] {
        if items.count <= 1 { return try items.map(body) }
        let results = ResultSlots<R>(count: items.count)
        let next = Counter()
        let workers = min(items.count, max(1, activeProcessorCount()))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: items.count) {
                do throws(UpliftError) { results.set(i, .success(try body(items[i]))) } catch { results.set(i, .failure(error)) }
            }
        }
        return try results.values()
    }
}
