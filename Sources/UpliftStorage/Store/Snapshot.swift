import Synchronization
package import UpliftModel

/// A consistent view of one project: its segments plus the events still only in the log.
package struct Snapshot: Sendable {
    package var project: ProjectSlug
    /// Paths of the Parquet segments, by day.
    package var segments: [String]
    /// Acknowledged events not yet written to a segment.
    package var pending: [Event]
    /// Rows of segments that repeat an event an earlier segment of the day holds, by path: a query skips
    /// them (a shared storage's nodes may both have taken an event until compaction keeps one row).
    package var hidden: [String: [Int32]] = [:]
    /// The distinct ids of persons whose erasure has begun and not completed: every reader skips the rows
    /// naming them (by `distinct_id`, what a question counts a row for), as the erasure rewrites the segments.
    package var erasing: Set<String> = []
    /// Keeps a shared storage's cache from evicting the segments while the snapshot is in use.
    package var pins: SegmentPins?
    /// With a shared storage: the segments whose files are not in the cache yet. A reader that needs some
    /// (`requireLocal`) names them in `wanted` and fails; the server downloads them and asks again, so a
    /// question downloads only the days it reads.
    package var absent: Set<String> = []
    package var wanted = SegmentWants()

    package init(project: ProjectSlug, segments: [String], pending: [Event]) {
        self.project = project
        self.segments = segments
        self.pending = pending
    }
}

extension Snapshot {
    /// The segments of a project as they are on disk, for readers that do not own the data
    /// directory (`uplift funnel` beside a running server). Nothing is changed: a compaction in
    /// progress or interrupted is resolved the way opening the store would (`PartitionState`), only in
    /// the listing. Events still only in the log are not included.
    package static func onDisk(dataDirectory: String, project: ProjectSlug) throws(UpliftError) -> Snapshot {
        let layout = SegmentLayout(root: dataDirectory)
        var segments: [String] = []
        for day in layout.days(project) {
            segments += try PartitionState.read(layout, project, day).live
        }
        return Snapshot(project: project, segments: segments, pending: [])
    }

    /// Fails when some of `paths` are not in the cache yet, naming them in `wanted` (see `absent`).
    package func requireLocal(_ paths: some Sequence<String>) throws(UpliftError) {
        guard !absent.isEmpty else { return }
        let lacking = paths.filter { absent.contains($0) }
        guard !lacking.isEmpty else { return }
        wanted.add(lacking)
        throw UpliftError(
            .storageUnavailable, "\(lacking.count) segments this question reads are not downloaded yet; retry")
    }

    /// The UTC day of a segment, from its partition directory (`…/date=YYYY-MM-DD/…`).
    package static func day(ofSegment path: String) -> UTCDay? {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2].hasPrefix("date=") else { return nil }
        return UTCDay(String(parts[parts.count - 2].dropFirst(5)))
    }
}

/// The absent segments readers of a snapshot asked for (shared by the snapshot's copies).
package final class SegmentWants: Sendable {
    private let paths = Mutex<Set<String>>([])

    package init() {}

    package var all: Set<String> { paths.withLock { $0 } }

    func add(_ new: [String]) { paths.withLock { $0.formUnion(new) } }
}
