package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// How the event store behaves; defaults suit a laptop, flags and environment fill it at the edge.
package struct StoreConfiguration: Sendable {
    /// The data directory (`--data`, `UPLIFT_DATA`).
    package var dataDirectory: String
    /// With a shared storage: where the local copies of segments are kept (`--cache-dir`); nil keeps them in
    /// the data directory.
    package var cacheDirectory: String?
    /// Flush the log into segments once this many events wait in memory…
    package var flushEvents: Int = 500_000
    /// …or once they take about this many bytes of memory.
    package var flushBytes: Int = 256 << 20
    /// With a background flusher, also flush events that have waited this long.
    package var flushInterval: Duration = .seconds(30)
    /// Rows per Parquet row group: the unit a scan can skip by its min/max statistics.
    package var rowGroupRows: Int = 128 * 1024
    /// Largest compacted segment, in rows; a day with more gets several.
    package var segmentRows: Int = 4 << 20
    /// zlib level for GZIP pages of compacted segments (1 fastest … 9 smallest).
    package var compressionLevel: Int32 = 6
    /// zlib level for flushed segments, which live only until compaction merges them.
    package var flushCompressionLevel: Int32 = 1
    /// Which properties compaction stores as typed columns beside the JSON text (flushed segments,
    /// which live only until compaction, never have any).
    package var propertyColumns = PropertyShredding.Rule()
    /// Row order inside segments.
    package var sortOrder: EventSortOrder = .distinctIDThenTime
    /// The clock the background flusher ticks on and measures how long events have waited
    /// (tests pass a test clock and advance it).
    package var clock: any Clock<Duration> = ContinuousClock()
    /// The wall-clock time (µs since the epoch) that says which days retention keeps (tests pass their own).
    package var now: @Sendable () -> Int64 = { Timestamp.now() }
    /// This node's name (`--node`): in the names and manifest rows of the segments it writes.
    package var node: String = NodeName.default
    /// With a shared storage: how old a query's list of every node's live segments may be (read from the
    /// manifest at most this often per project).
    package var manifestRefresh: Duration = .seconds(1)
    /// With a shared storage: how long a segment replaced by compaction stays in the bucket, for queries on
    /// any node that started before the replacement (far longer than the longest query).
    package var replacedGrace: Duration = .seconds(600)
    /// The most the write-ahead log may hold: past it appends are refused (`storageUnavailable`: 503 with
    /// `Retry-After`) until flushes (which trim it) succeed again, e.g. once the object store is back.
    package var maxLogBytes: UInt64 = 4 << 30
    /// With a shared storage: how long a node's lease to compact a day lasts (a node that dies holding one
    /// blocks that day's compaction this long at most).
    package var compactionLease: Duration = .seconds(900)
    /// The write-ahead log's settings (commit observer; fault injection in tests).
    package var walOptions = WALOptions()

    package init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

/// A node's name: 1 to 63 of `a-z 0-9 -`, so that it fits in segment names, object keys and metric labels.
package enum NodeName {
    /// The host name made into a node name (lower case, other characters as `-`), or `node`.
    package static var `default`: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "node" }
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let name = String(
            host.lowercased().unicodeScalars.map { isAllowed($0) ? Character($0) : "-" }.prefix(63))
        return name.isEmpty ? "node" : name
    }

    /// `text` when it is a node name, else an error saying what one is.
    package static func validated(_ text: String) throws(UpliftError) -> String {
        guard (1...63).contains(text.count), text.unicodeScalars.allSatisfy(isAllowed) else {
            throw UpliftError(
                .invalidInput,
                "--node \(UpliftError.quote(text)) is not a node name: 1 to 63 lower-case letters, digits and hyphens")
        }
        return text
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }
}
