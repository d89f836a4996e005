public import UpliftModel

/// A consistent view of one project: its segments plus the events still only in the log.
public struct Snapshot: Sendable {
    public var project: ProjectSlug
    /// Paths of the Parquet segments, by day.
    public var segments: [String]
    /// Acknowledged events not yet written to a segment.
    public var pending: [Event]

    /// Every event of the snapshot (reads all segments; for tests, exports and small data).
    public func allEvents() throws(UpliftError) -> [Event] {
        var events: [Event] = []
        for path in segments { events += try SegmentReader.events(path: path) }
        return events + pending
    }
}
