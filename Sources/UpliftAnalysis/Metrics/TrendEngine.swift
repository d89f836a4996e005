/// Trends: events, distinct persons, or the sum or average of a number per period, with an
/// optional breakdown by a property of the event.
///
/// One pass gives each breakdown value its totals (to pick the top 25); a second pass fills flat
/// `slot × period` arrays. Distinct persons are counted with "last person seen" markers, which
/// works because the frame's rows are grouped by person.
package enum TrendEngine {
    package static func request(_ query: TrendQuery) -> FrameRequest {
        let numeric = query.measure == .sum || query.measure == .average
        var request = FrameRequest(
            roles: [.init(event: query.event, filters: query.eventFilters)],
            from: query.scope.from, to: query.scope.to, filters: query.scope.filters,
            strings: query.breakdown.map { [.init($0, roleMask: 1)] } ?? [],
            numbers: numeric ? query.property.map { [.init($0, roleMask: 1)] } ?? [] : [])
        // Counts and sums need no persons: skip grouping rows by person.
        request.groupByPerson = query.measure == .persons
        return request
    }

    package static func compute(_ frame: EventFrame, _ query: TrendQuery) -> TrendResult {
        let range = PeriodRange(query.scope, query.interval)
        let n = range.count
        let labels = range.labels(query.scope.calendar, query.interval)
        // Period index of every counted row (-1: not counted), computed once for both passes.
        var cursor = PeriodCursor(query.scope.calendar, query.interval)
        var periodOf = [Int32](repeating: -1, count: frame.rowCount)
        for i in 0..<frame.rowCount where frame.roles[i] & 1 != 0 {
            let p = cursor.period(of: frame.times[i]) - range.first
            if p >= 0, p < Int64(n) { periodOf[i] = Int32(p) }
        }
        let numbers = frame.numbers.first
        let overall = accumulate(frame, periodOf, numbers, slots: 1, periods: n) { _ in 0 }
        var result = TrendResult(
            points: points(overall, 0, query.measure, labels), total: overall.total(0, query.measure), breakdown: [])
        guard let column = frame.strings.first else { return result }

        // Group = code + 1 (0: no value). Totals per group pick the top values.
        let groups = column.values.count + 1
        let totals = accumulate(frame, periodOf, numbers, slots: groups, periods: 1) { Int(column.codes[$0]) + 1 }
        let order = (0..<groups).filter { totals.events[$0] > 0 }.sorted { a, b in
            let ta = totals.total(a, query.measure)
            let tb = totals.total(b, query.measure)
            if ta != tb { return ta > tb }
            return a == 0 ? b != 0 : (b != 0 && column.values[a - 1] < column.values[b - 1])
        }
        let top = order.prefix(TrendQuery.maxBreakdownValues)
        let hasOther = order.count > top.count
        var slotOf = [Int](repeating: top.count, count: groups)
        for (slot, g) in top.enumerated() { slotOf[g] = slot }
        let slots = top.count + (hasOther ? 1 : 0)
        let series = accumulate(frame, periodOf, numbers, slots: slots, periods: n) {
            slotOf[Int(column.codes[$0]) + 1]
        }
        for slot in 0..<slots {
            let isOther = slot == top.count
            result.breakdown.append(
                TrendResult.Series(
                    value: isOther || top[slot] == 0 ? nil : column.values[top[slot] - 1], isOther: isOther,
                    points: points(series, slot, query.measure, labels), total: series.total(slot, query.measure)))
        }
        return result
    }

    /// Distinct persons per period without a breakdown need no frame: rows fold into one bitset over
    /// person codes per period (and one for the whole range), counted by population count.
    package static func countsPersonsByScan(_ query: TrendQuery, personCodes: Int) -> Bool {
        let bytes = (PeriodRange(query.scope, query.interval).count + 1) * ((personCodes + 63) / 64) * 8
        return query.measure == .persons && query.breakdown == nil && bytes <= 256 << 20
    }

    package struct PersonBits: RowAccumulator {
        let first: Int64
        let periods: Int
        let words: Int
        private(set) var bits: [UInt64]
        private var cursor: PeriodCursor

        package init(_ query: TrendQuery, personCodes: Int) {
            let range = PeriodRange(query.scope, query.interval)
            first = range.first
            periods = range.count
            words = (personCodes + 63) / 64
            bits = [UInt64](repeating: 0, count: (periods + 1) * words)
            cursor = PeriodCursor(query.scope.calendar, query.interval)
        }

        package mutating func add(time: Int64, roles: UInt32, person: Int32) {
            guard roles & 1 != 0 else { return }
            let p = cursor.period(of: time) - first
            guard p >= 0, p < Int64(periods) else { return }
            let code = Int(person)
            let bit = UInt64(1) << UInt64(code & 63)
            let (period, total) = (Int(p) * words + code >> 6, periods * words + code >> 6)
            bits.withUnsafeMutableBufferPointer { bits in
                bits[period] |= bit
                bits[total] |= bit
            }
        }

        package mutating func merge(_ other: PersonBits) {
            bits.withUnsafeMutableBufferPointer { bits in
                other.bits.withUnsafeBufferPointer { o in
                    for i in 0..<bits.count { bits[i] |= o[i] }
                }
            }
        }

        /// Persons in period `p` (`periods`: the whole range).
        func count(_ p: Int) -> Int { bits[(p * words)..<((p + 1) * words)].reduce(0) { $0 + $1.nonzeroBitCount } }
    }

    /// Event counts per period without a breakdown need no frame either: rows fold into counters.
    package static func countsEventsByScan(_ query: TrendQuery) -> Bool {
        query.measure == .events && query.breakdown == nil
    }

    package struct EventCounts: RowAccumulator {
        let first: Int64
        private(set) var counts: [Int]
        private var cursor: PeriodCursor

        package init(_ query: TrendQuery) {
            let range = PeriodRange(query.scope, query.interval)
            first = range.first
            counts = [Int](repeating: 0, count: range.count)
            cursor = PeriodCursor(query.scope.calendar, query.interval)
        }

        package mutating func add(time: Int64, roles: UInt32, person: Int32) {
            guard roles & 1 != 0 else { return }
            let p = cursor.period(of: time) - first
            guard p >= 0, p < Int64(counts.count) else { return }
            counts.withUnsafeMutableBufferPointer { $0[Int(p)] += 1 }
        }

        package mutating func merge(_ other: EventCounts) {
            for i in counts.indices { counts[i] += other.counts[i] }
        }
    }

    package static func events(_ counts: EventCounts, _ query: TrendQuery) -> TrendResult {
        let labels = PeriodRange(query.scope, query.interval).labels(query.scope.calendar, query.interval)
        return TrendResult(
            points: zip(labels, counts.counts).map { TrendResult.Point(date: $0, value: Double($1)) },
            total: Double(counts.counts.reduce(0, +)), breakdown: [])
    }

    package static func distinctPersons(_ bits: PersonBits, _ query: TrendQuery) -> TrendResult {
        let labels = PeriodRange(query.scope, query.interval).labels(query.scope.calendar, query.interval)
        return TrendResult(
            points: (0..<bits.periods).map { TrendResult.Point(date: labels[$0], value: Double(bits.count($0))) },
            total: Double(bits.count(bits.periods)), breakdown: [])
    }

    /// Counts per `slot × period` cell, plus per-slot totals over the whole range.
    ///
    /// Sums are accumulated scaled by 2⁻⁶⁴, an exact change of exponent for every number a sum can
    /// meet, so that no running sum of finite numbers overflows (two values near 1e308 do not make
    /// infinity) and the result is bit for bit the plain sum whenever that is finite. A total beyond
    /// a double's range saturates at ±1.797e308 (`Double.greatestFiniteMagnitude`): never null.
    struct Counts {
        static let scale = 0x1p-64

        let periods: Int
        var events: [Int]
        var persons: [Int]
        var sums: [Double]
        var numbered: [Int]
        var slotEvents: [Int]
        var slotPersons: [Int]
        var slotSums: [Double]
        var slotNumbered: [Int]

        init(slots: Int, periods: Int) {
            self.periods = periods
            events = [Int](repeating: 0, count: slots * periods)
            persons = events
            sums = [Double](repeating: 0, count: slots * periods)
            numbered = events
            slotEvents = [Int](repeating: 0, count: slots)
            slotPersons = slotEvents
            slotSums = [Double](repeating: 0, count: slots)
            slotNumbered = slotEvents
        }

        func value(_ cell: Int, _ measure: TrendQuery.Measure) -> Double {
            switch measure {
            case .events: Double(events[cell])
            case .persons: Double(persons[cell])
            case .sum: Self.unscaled(sums[cell])
            case .average: numbered[cell] == 0 ? 0 : Self.unscaled(sums[cell] / Double(numbered[cell]))
            }
        }

        /// A scaled sum as a finite double, saturating at ±`greatestFiniteMagnitude`.
        static func unscaled(_ scaled: Double) -> Double {
            let value = scaled / scale
            if value.isFinite || value.isNaN { return value }
            return value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude
        }

        func total(_ slot: Int, _ measure: TrendQuery.Measure) -> Double {
            switch measure {
            case .events: Double(slotEvents[slot])
            case .persons: Double(slotPersons[slot])
            case .sum: Self.unscaled(slotSums[slot])
            case .average: slotNumbered[slot] == 0 ? 0 : Self.unscaled(slotSums[slot] / Double(slotNumbered[slot]))
            }
        }
    }

    /// One pass over the counted rows. With `periods == 1` every row goes to period 0 (totals only).
    static func accumulate(
        _ frame: EventFrame, _ periodOf: [Int32], _ numbers: [Double]?, slots: Int, periods: Int,
        slotOf: (Int) -> Int
    ) -> Counts {
        var c = Counts(slots: slots, periods: periods)
        var cellOwner = [Int32](repeating: -1, count: slots * periods)
        var slotOwner = [Int32](repeating: -1, count: slots)
        for person in 0..<frame.personCount {
            let owner = Int32(person)
            for i in frame.rows(of: person) {
                let p = Int(periodOf[i])
                guard p >= 0 else { continue }
                let slot = slotOf(i)
                guard slot < slots else { continue }
                let cell = slot * periods + (periods == 1 ? 0 : p)
                c.events[cell] += 1
                c.slotEvents[slot] += 1
                if cellOwner[cell] != owner {
                    cellOwner[cell] = owner
                    c.persons[cell] += 1
                }
                if slotOwner[slot] != owner {
                    slotOwner[slot] = owner
                    c.slotPersons[slot] += 1
                }
                if let numbers, numbers[i].isFinite {
                    let x = numbers[i] * Counts.scale
                    c.sums[cell] += x
                    c.numbered[cell] += 1
                    c.slotSums[slot] += x
                    c.slotNumbered[slot] += 1
                }
            }
        }
        return c
    }

    static func points(
        _ c: Counts, _ slot: Int, _ measure: TrendQuery.Measure, _ labels: [String]
    ) -> [TrendResult.Point] {
        labels.enumerated().map { p, label in
            TrendResult.Point(date: label, value: c.value(slot * c.periods + p, measure))
        }
    }
}
