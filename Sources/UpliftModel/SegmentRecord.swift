/// A segment as the manifest records it: where it is under the storage's root, whose events, and enough
/// about its contents to check it and to plan a read without opening it.
package struct SegmentRecord: Sendable, Hashable {
    package var project: ProjectSlug
    package var day: UTCDay
    /// The path under the storage's root: `events/project=P/date=YYYY-MM-DD/NAME.parquet` (a file under
    /// the data directory, or an object under the bucket's prefix).
    package var key: String
    /// The node that wrote it (`--node`).
    package var node: String
    package var rows: Int64
    package var bytes: Int64
    /// The earliest and latest event time in it, µs since the epoch.
    package var minTime: Int64
    package var maxTime: Int64
    /// CRC-32C of the whole file, as 8 hex digits.
    package var checksum: String

    package init(
        project: ProjectSlug, day: UTCDay, key: String, node: String, rows: Int64, bytes: Int64, minTime: Int64,
        maxTime: Int64, checksum: String
    ) {
        self.project = project
        self.day = day
        self.key = key
        self.node = node
        self.rows = rows
        self.bytes = bytes
        self.minTime = minTime
        self.maxTime = maxTime
        self.checksum = checksum
    }

    /// The file name: the key's last component.
    package var name: String { key.split(separator: "/").last.map(String.init) ?? key }
}
