public import UpliftModel

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

    package enum Origin: Sendable {
        /// A segment file: properties and context are decoded from it when needed.
        case segment(path: String)
        /// Events in memory (not yet flushed): their JSON texts.
        case memory(properties: [String], context: [String])
    }

    package var count: Int { times.count }

    /// Memory the block holds, for the cache's budget.
    package var bytes: Int {
        var n = count * 16 + 64
        if case .memory(let p, let c) = origin { n += p.reduce(0) { $0 + $1.utf8.count + 16 } + c.reduce(0) { $0 + $1.utf8.count + 16 } }
        return n
    }

    package init(events: [Int32], distinctIDs: [Int32], times: [Int64], origin: Origin) {
        self.events = events
        self.distinctIDs = distinctIDs
        self.times = times
        self.minTime = times.min() ?? 0
        self.maxTime = times.max() ?? 0
        self.origin = origin
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
