import Synchronization
package import UpliftModel

/// Reading a shared storage's events once each before compaction does.
///
/// Every node dedups the events it takes, but an SDK's retry may land on another node, and until the day is
/// compacted (which keeps one row per event id) both nodes' segments hold the event. A query therefore reads
/// each day that has several segments as one: the segments in key order, each row whose event id an earlier
/// row of the day has is hidden (`Snapshot.hidden`), and so is a pending event some segment of its day
/// already holds. Every node sees the same segments in the same order, so every node hides the same rows.
///
/// Event ids are compared by their 128-bit fingerprints, as the dedup index does, and the fingerprints of a
/// segment (which never changes) are read once and kept while the segment is live.
package final class ReadDedup: Sendable {
    private let fingerprints = Mutex<[String: [Fingerprint]]>([:])
    /// The repeated rows of a day's segments, by the day's paths joined: computed once per set of segments.
    private let repeats = Mutex<[String: [String: [Int32]]]>([:])

    package init() {}

    /// `snapshot` with the rows and pending events that repeat an event hidden. Blocking. A day with a
    /// segment not in the cache (`Snapshot.absent`) is left as it is: no question reads it before it is
    /// downloaded, and then this runs again.
    package func apply(to snapshot: Snapshot) throws(UpliftError) -> Snapshot {
        var days: [UTCDay: [String]] = [:]
        var incomplete = Set<UTCDay>()
        for path in snapshot.segments {
            guard let day = Snapshot.day(ofSegment: path) else { continue }
            days[day, default: []].append(path)
            if snapshot.absent.contains(path) { incomplete.insert(day) }
        }
        for day in incomplete { days[day] = nil }
        var result = snapshot
        result.hidden = [:]
        for (_, paths) in days where paths.count > 1 {
            for (path, rows) in try repeated(in: paths.sorted()) { result.hidden[path] = rows }
        }
        // Pending events (few) against their day's segments: a scan of the stored fingerprints.
        var pending: [UTCDay: Set<Fingerprint>] = [:]
        for event in snapshot.pending {
            pending[UTCDay(microseconds: event.timestamp), default: []].insert(Fingerprint(event.eventID))
        }
        var stored = Set<Fingerprint>()
        for (day, ids) in pending {
            for path in days[day] ?? [] {
                for id in try fingerprints(of: path) where ids.contains(id) { stored.insert(id) }
            }
        }
        if !stored.isEmpty { result.pending = result.pending.filter { !stored.contains(Fingerprint($0.eventID)) } }
        forget(keeping: Set(snapshot.segments), project: snapshot.project)
        return result
    }

    /// The rows of each of `paths` (one day's, in key order) whose event id an earlier row has.
    private func repeated(in paths: [String]) throws(UpliftError) -> [String: [Int32]] {
        let key = paths.joined(separator: "\n")
        if let known = repeats.withLock({ $0[key] }) { return known }
        var seen = Set<Fingerprint>()
        var found: [String: [Int32]] = [:]
        for path in paths {
            var rows: [Int32] = []
            for (row, id) in try fingerprints(of: path).enumerated() where !seen.insert(id).inserted {
                rows.append(Int32(row))
            }
            if !rows.isEmpty { found[path] = rows }
        }
        repeats.withLock { $0[key] = found }
        return found
    }

    private func fingerprints(of path: String) throws(UpliftError) -> [Fingerprint] {
        if let known = fingerprints.withLock({ $0[path] }) { return known }
        let read = try SegmentReader.eventIDFingerprints(paths: [path])
        fingerprints.withLock { $0[path] = read }
        return read
    }

    /// Drops the fingerprints of the project's segments no longer live (compacted away).
    private func forget(keeping live: Set<String>, project: ProjectSlug) {
        let marker = "/project=" + project.value + "/"
        fingerprints.withLock { cache in
            for path in cache.keys where path.contains(marker) && !live.contains(path) { cache[path] = nil }
        }
        repeats.withLock { cache in
            for key in cache.keys where key.contains(marker) {
                if key.split(separator: "\n").contains(where: { !live.contains(String($0)) }) { cache[key] = nil }
            }
        }
    }
}
