/// How the event store behaves; defaults suit a laptop, flags and environment fill it at the edge.
public struct StoreConfiguration: Sendable {
    /// The data directory (`--data`, `UPLIFT_DATA`).
    public var dataDirectory: String
    /// Flush the log into segments once this many events wait in memory…
    public var flushEvents: Int = 500_000
    /// …or once they take about this many bytes of memory.
    public var flushBytes: Int = 256 << 20
    /// Rows per Parquet row group: the unit a scan can skip by its min/max statistics.
    public var rowGroupRows: Int = 128 * 1024
    /// Largest compacted segment, in rows; a day with more gets several.
    public var segmentRows: Int = 4 << 20
    /// zlib level for GZIP pages (1 fastest … 9 smallest).
    public var compressionLevel: Int32 = 6
    /// Row order inside segments.
    public var sortOrder: EventSortOrder = .distinctIDThenTime

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}
