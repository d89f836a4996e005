package import UpliftModel

/// Remembers which event ids a project already stored, per UTC day of the event time.
///
/// A resend carries the same client timestamp, so after skew correction it lands on the same day,
/// or on a neighbouring one when the correction moved it across midnight: an id counts as a
/// duplicate when it is known on its day or either neighbour. That covers far more than the 24
/// hours the design asks for, survives restarts (a day is loaded from its segments on first use),
/// and keeps re-imports of old files idempotent.
package struct DedupIndex {
    /// Reads the fingerprints of the event ids stored in a partition's segments.
    package typealias Loader = (ProjectSlug, UTCDay) throws(UpliftError) -> [Fingerprint]

    /// Per project, each loaded day's position in `sets`: hashing a slug once per batch and an
    /// Int64 per day costs far less than a (project, day) key per lookup.
    private var projects: [ProjectSlug: [Int64: Int]] = [:]
    private var sets: [FingerprintSet] = []
    private let loader: Loader

    package init(loader: @escaping Loader) { self.loader = loader }

    /// Number of fingerprints held in memory.
    package var count: Int { sets.reduce(0) { $0 + $1.count } }

    /// Records the id and returns true, or returns false when it is already known.
    package mutating func insert(project: ProjectSlug, day: UTCDay, id: Fingerprint) throws(UpliftError) -> Bool {
        var days = projects.removeValue(forKey: project) ?? [:]
        defer { projects[project] = days }
        var cache = DayCache()
        return try insert(project, &days, &cache, day.daysSinceEpoch, id)
    }

    /// The events whose ids are new, in order, recording their ids (a later event with the id of an
    /// earlier one in the same batch is a duplicate too).
    package mutating func insert(project: ProjectSlug, events: [Event]) throws(UpliftError) -> [Event] {
        var days = projects.removeValue(forKey: project) ?? [:]
        defer { projects[project] = days }
        var cache = DayCache()
        var fresh: [Event] = []
        fresh.reserveCapacity(events.count)
        for e in events
        where try insert(
            project, &days, &cache, UTCDay(microseconds: e.timestamp).daysSinceEpoch, Fingerprint(e.eventID))
        {
            fresh.append(e)
        }
        return fresh
    }

    /// Forgets an id whose event was not stored after all (its log write failed).
    package mutating func remove(project: ProjectSlug, day: UTCDay, id: Fingerprint) {
        guard let slot = projects[project]?[day.daysSinceEpoch] else { return }
        sets[slot].remove(id)
    }

    /// Drops the partitions of a project from memory; they reload from disk on next use.
    package mutating func forget(project: ProjectSlug) {
        for slot in (projects.removeValue(forKey: project) ?? [:]).values { sets[slot] = FingerprintSet() }
    }

    /// The slots of the last day looked up and its neighbours (events of a batch often share a day).
    private struct DayCache {
        var day: Int64 = .min
        /// Slots of `day`, `day - 1`, `day + 1`; -1 when not looked up yet.
        var slots: (Int, Int, Int) = (-1, -1, -1)

        subscript(k: Int) -> Int {
            get { k == 0 ? slots.0 : (k == 1 ? slots.1 : slots.2) }
            set {
                switch k {
                case 0: slots.0 = newValue
                case 1: slots.1 = newValue
                default: slots.2 = newValue
                }
            }
        }
    }

    private mutating func insert(
        _ project: ProjectSlug, _ days: inout [Int64: Int], _ cache: inout DayCache, _ day: Int64, _ id: Fingerprint
    ) throws(UpliftError) -> Bool {
        if cache.day != day { cache = DayCache(day: day) }
        // Same order as before: the day itself, then the day before, then the day after, each
        // loaded only when the earlier ones did not know the id.
        for k in 0..<3 {
            var slot = cache[k]
            if slot < 0 {
                slot = try load(project, &days, day + (k == 0 ? 0 : (k == 1 ? -1 : 1)))
                cache[k] = slot
            }
            if sets[slot].contains(id) { return false }
        }
        sets[cache[0]].insert(id)
        return true
    }

    private mutating func load(
        _ project: ProjectSlug, _ days: inout [Int64: Int], _ day: Int64
    ) throws(UpliftError) -> Int {
        if let slot = days[day] { return slot }
        let set = FingerprintSet(try loader(project, UTCDay(daysSinceEpoch: day)))
        sets.append(set)
        days[day] = sets.count - 1
        return sets.count - 1
    }
}
