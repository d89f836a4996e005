package import UpliftModel

/// The columns of one segment (or of the events still only in the log) that every query reads,
/// decoded once and kept: event name and distinct id as project dictionary codes, and the time.
/// Properties and context stay where they are and are read only for the rows a query filters on.
package struct EventBlock: Sendable {
    package var events: [Int32]
    package var distinctIDs: [Int32]
    package var times: [Int64]
    package var minTime: Int64
    package var maxTime: Int64
    package var origin: Origin
    /// Rows by event: the rows of event code `postingCodes[k]` are
    /// `postingRows[postingStarts[k] ..< postingStarts[k + 1]]`, ascending. A query for a few rare
    /// events reads only their rows instead of scanning the block.
    package var postingCodes: [Int32]
    package var postingStarts: [Int32]
    package var postingRows: [Int32]

    package enum Origin: Sendable {
        /// A segment file: properties and context are decoded from it when needed, and the texts
        /// of the events queries asked for are kept in `texts`.
        case segment(path: String, texts: SegmentTexts)
        /// Events in memory (not yet flushed): their JSON texts.
        case memory(properties: [String], context: [String])
    }

    package var count: Int { times.count }

    /// Memory the block holds, for the cache's budget.
    package var bytes: Int {
        var n = count * 20 + postingCodes.count * 8 + 64
        if case .memory(let p, let c) = origin {
            n += p.reduce(0) { $0 + $1.utf8.count + 16 } + c.reduce(0) { $0 + $1.utf8.count + 16 }
        }
        return n
    }

    package init(events: [Int32], distinctIDs: [Int32], times: [Int64], origin: Origin) {
        self.events = events
        self.distinctIDs = distinctIDs
        self.times = times
        self.minTime = times.min() ?? 0
        self.maxTime = times.max() ?? 0
        self.origin = origin
        (postingCodes, postingStarts, postingRows) = Self.postings(events)
    }

    /// The event code of a hidden row (`hiding`): no event has it, and every scan skips a code its plan
    /// does not know, so no query sees the row.
    package static let hiddenCode = Int32.max

    /// This block with `rows` hidden from every query: events another segment also holds (two nodes took
    /// the same event), read once until compaction keeps one row.
    package func hiding(_ rows: [Int32]) -> EventBlock {
        var events = self.events
        for row in rows { events[Int(row)] = Self.hiddenCode }
        return EventBlock(events: events, distinctIDs: distinctIDs, times: times, origin: origin)
    }

    /// A counting sort of the row numbers by event code (hidden rows are in no list).
    private static func postings(_ events: [Int32]) -> ([Int32], [Int32], [Int32]) {
        guard let top = events.lazy.filter({ $0 != hiddenCode }).max() else { return ([], [0], []) }
        var counts = [Int32](repeating: 0, count: Int(top) + 1)
        for e in events where e != hiddenCode { counts[Int(e)] += 1 }
        var codes: [Int32] = []
        var starts: [Int32] = [0]
        var next = [Int32](repeating: 0, count: counts.count)
        for (code, n) in counts.enumerated() where n > 0 {
            codes.append(Int32(code))
            next[code] = starts[starts.count - 1]
            starts.append(starts[starts.count - 1] + n)
        }
        var rows = [Int32](repeating: 0, count: Int(starts[starts.count - 1]))
        for (i, e) in events.enumerated() where e != hiddenCode {
            let slot = next[Int(e)]
            rows[Int(slot)] = Int32(i)
            next[Int(e)] = slot + 1
        }
        return (codes, starts, rows)
    }

    /// Rows of the given event codes, ascending; nil when they are so many that a scan is cheaper.
    package func rows(ofEvents wanted: (Int32) -> Bool, atMost limit: Int) -> [Int32]? {
        var total = 0
        var ranges: [Range<Int>] = []
        for (k, code) in postingCodes.enumerated() where wanted(code) {
            let range = Int(postingStarts[k])..<Int(postingStarts[k + 1])
            total += range.count
            if total > limit { return nil }
            ranges.append(range)
        }
        guard ranges.count <= 4 else {
            var rows: [Int32] = []
            rows.reserveCapacity(total)
            for range in ranges { rows += postingRows[range] }
            rows.sort()
            return rows
        }
        // A few ascending lists (a funnel's steps): merged, each in one pass.
        var rows = ranges.first.map { Array(postingRows[$0]) } ?? []
        for range in ranges.dropFirst() { rows = Self.merge(rows, postingRows[range]) }
        return rows
    }

    /// Two ascending lists as one.
    private static func merge(_ a: [Int32], _ b: ArraySlice<Int32>) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: a.count + b.count) { out, initialized in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    var (i, j, k) = (0, 0, 0)
                    while i < a.count && j < b.count {
                        let x = a[i]
                        let y = b[j]
                        let takeA = x <= y
                        out[k] = takeA ? x : y
                        i += takeA ? 1 : 0
                        j += takeA ? 0 : 1
                        k += 1
                    }
                    while i < a.count {
                        out[k] = a[i]
                        (i, k) = (i + 1, k + 1)
                    }
                    while j < b.count {
                        out[k] = b[j]
                        (j, k) = (j + 1, k + 1)
                    }
                }
            }
            initialized = a.count + b.count
        }
    }

    /// A block of in-memory events (the pending events of a snapshot, or a test's events).
    package init(events list: [Event], dictionaries: ProjectDictionaries) {
        self.init(
            events: dictionaries.events.intern(list.map(\.event)),
            distinctIDs: dictionaries.distinctIDs.intern(list.map(\.distinctID)),
            times: list.map(\.timestamp),
            origin: .memory(properties: list.map(\.properties), context: list.map(\.context)))
    }
}
