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
    /// Keeps a shared storage's cache from evicting the segments while the snapshot is in use.
    package var pins: SegmentPins?

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

    /// The UTC day of a segment, from its partition directory (`…/date=YYYY-MM-DD/…`).
    package static func day(ofSegment path: String) -> UTCDay? {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2].hasPrefix("date=") else { return nil }
        return UTCDay(String(parts[parts.count - 2].dropFirst(5)))
    }
}
