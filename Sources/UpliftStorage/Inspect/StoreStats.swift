package import UpliftModel
import UpliftParquet

/// What a project holds on disk, from the segments' footers (no data pages are read).
package struct ProjectStats: Sendable {
    package struct ColumnSize: Sendable {
        package var name: String
        /// Bytes on disk (compressed pages and headers).
        package var bytes: Int64
        /// Bytes once decompressed.
        package var uncompressedBytes: Int64
    }

    package var project: ProjectSlug
    package var events = 0
    package var segments = 0
    package var days = 0
    package var firstDay: UTCDay?
    package var lastDay: UTCDay?
    /// Size of the segment files.
    package var bytes: Int64 = 0
    package var columns: [ColumnSize] = []

    package var bytesPerEvent: Double { events == 0 ? 0 : Double(bytes) / Double(events) }

    /// Reads the footers of every live segment of a project: `manifest`'s (the catalog's segment
    /// manifest), or without one those the files say are live (the segments an interrupted compaction left
    /// behind, which the next open removes, are not counted).
    /// `cache`: where a shared storage's segments were downloaded when not into the data directory.
    package static func read(
        dataDirectory: String, project: ProjectSlug, manifest: [SegmentRecord]? = nil, cache: String? = nil
    ) throws(UpliftError) -> ProjectStats {
        let layout = SegmentLayout(root: dataDirectory, segments: cache)
        var stats = ProjectStats(project: project)
        stats.columns = EventSchema.schema.fields.map { ColumnSize(name: $0.name, bytes: 0, uncompressedBytes: 0) }
        var listed: [UTCDay: [String]] = [:]
        for record in manifest ?? [] where record.project == project {
            listed[record.day, default: []].append(layout.path(of: record.key))
        }
        for day in manifest == nil ? layout.days(project) : listed.keys.sorted() {
            let paths = try manifest == nil ? PartitionState.read(layout, project, day).live : listed[day] ?? []
            guard !paths.isEmpty else { continue }
            stats.days += 1
            stats.firstDay = stats.firstDay ?? day
            stats.lastDay = day
            for path in paths {
                let file = try SegmentReader.footer(path: path)
                stats.segments += 1
                stats.events += file.rowCount
                stats.bytes += DurableFile.fileSize(path) ?? 0
                // By name: a data directory may hold segments of several formats (format 1's sent_at, …).
                let positions = file.schema.fields.map { field in
                    if let c = stats.columns.firstIndex(where: { $0.name == field.name }) { return c }
                    stats.columns.append(ColumnSize(name: field.name, bytes: 0, uncompressedBytes: 0))
                    return stats.columns.count - 1
                }
                for group in file.rowGroups {
                    for (c, chunk) in group.columns.enumerated() where c < positions.count {
                        stats.columns[positions[c]].bytes += Int64(chunk.compressedSize)
                        stats.columns[positions[c]].uncompressedBytes += Int64(chunk.uncompressedSize)
                    }
                }
            }
        }
        return stats
    }

    /// Projects with a directory in the data directory.
    package static func projects(dataDirectory: String) -> [ProjectSlug] {
        SegmentLayout(root: dataDirectory).projects()
    }

    /// Bytes in the write-ahead log (events not yet in segments).
    package static func logBytes(dataDirectory: String) -> Int64 {
        let directory = SegmentLayout(root: dataDirectory).walDirectory
        return DurableFile.list(directory).reduce(0) { $0 + (DurableFile.fileSize(directory + "/" + $1) ?? 0) }
    }
}
