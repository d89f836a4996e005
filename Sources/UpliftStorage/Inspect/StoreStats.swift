public import UpliftModel
import UpliftParquet

/// What a project holds on disk, from the segments' footers (no data pages are read).
public struct ProjectStats: Sendable {
    public struct ColumnSize: Sendable {
        public var name: String
        /// Bytes on disk (compressed pages and headers).
        public var bytes: Int64
        /// Bytes once decompressed.
        public var uncompressedBytes: Int64
    }

    public var project: ProjectSlug
    public var events = 0
    public var segments = 0
    public var days = 0
    public var firstDay: UTCDay?
    public var lastDay: UTCDay?
    /// Size of the segment files.
    public var bytes: Int64 = 0
    public var columns: [ColumnSize] = []

    public var bytesPerEvent: Double { events == 0 ? 0 : Double(bytes) / Double(events) }

    /// Reads the footers of every segment of a project.
    public static func read(dataDirectory: String, project: ProjectSlug) throws(UpliftError) -> ProjectStats {
        let layout = SegmentLayout(root: dataDirectory)
        var stats = ProjectStats(project: project)
        stats.columns = EventSchema.schema.fields.map { ColumnSize(name: $0.name, bytes: 0, uncompressedBytes: 0) }
        for day in layout.days(project) {
            let paths = layout.segments(project, day)
            guard !paths.isEmpty else { continue }
            stats.days += 1
            stats.firstDay = stats.firstDay ?? day
            stats.lastDay = day
            for path in paths {
                let file = try SegmentReader.footer(path: path)
                stats.segments += 1
                stats.events += file.rowCount
                stats.bytes += DurableFile.fileSize(path) ?? 0
                for group in file.rowGroups {
                    for (c, chunk) in group.columns.enumerated() where c < stats.columns.count {
                        stats.columns[c].bytes += Int64(chunk.compressedSize)
                        stats.columns[c].uncompressedBytes += Int64(chunk.uncompressedSize)
                    }
                }
            }
        }
        return stats
    }

    /// Projects with a directory in the data directory.
    public static func projects(dataDirectory: String) -> [ProjectSlug] {
        SegmentLayout(root: dataDirectory).projects()
    }

    /// Bytes in the write-ahead log (events not yet in segments).
    public static func logBytes(dataDirectory: String) -> Int64 {
        let directory = SegmentLayout(root: dataDirectory).walDirectory
        return DurableFile.list(directory).reduce(0) { $0 + (DurableFile.fileSize(directory + "/" + $1) ?? 0) }
    }
}
