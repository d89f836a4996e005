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

    private struct Key: Hashable {
        var project: ProjectSlug
        var day: UTCDay
    }

    private var days: [Key: Set<Fingerprint>] = [:]
    private let loader: Loader

    package init(loader: @escaping Loader) { self.loader = loader }

    /// Number of fingerprints held in memory.
    package var count: Int { days.values.reduce(0) { $0 + $1.count } }

    /// Records the id and returns true, or returns false when it is already known.
    package mutating func insert(project: ProjectSlug, day: UTCDay, id: Fingerprint) throws(UpliftError) -> Bool {
        for offset: Int64 in [0, -1, 1] {
            let key = Key(project: project, day: day.adding(days: offset))
            try load(key)
            if days[key]!.contains(id) { return false }
        }
        days[Key(project: project, day: day)]!.insert(id)
        return true
    }

    /// Forgets an id whose event was not stored after all (its log write failed).
    package mutating func remove(project: ProjectSlug, day: UTCDay, id: Fingerprint) {
        days[Key(project: project, day: day)]?.remove(id)
    }

    /// Drops the partitions of a project from memory; they reload from disk on next use.
    package mutating func forget(project: ProjectSlug) {
        days = days.filter { $0.key.project != project }
    }

    private mutating func load(_ key: Key) throws(UpliftError) {
        guard days[key] == nil else { return }
        days[key] = Set(try loader(key.project, key.day))
    }
}
