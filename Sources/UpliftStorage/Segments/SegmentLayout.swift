package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// Where things live in a data directory:
/// `<data>/events/project=<slug>/date=YYYY-MM-DD/<segment>.parquet` (Hive partitions) and `<data>/wal/`.
/// With a shared storage the segments may live in a cache directory of their own (`--cache-dir`):
/// `<cache>/events/…`, the log still under the data directory.
package struct SegmentLayout: Sendable {
    /// The data directory: the log, the lock, the storage id.
    package let root: String
    /// The directory `events/` is in: the data directory, or the cache directory of a shared storage.
    package let segmentRoot: String

    package init(root: String, segments: String? = nil) {
        func trimmed(_ path: String) -> String {
            path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        }
        self.root = trimmed(root)
        self.segmentRoot = segments.map(trimmed) ?? self.root
    }

    package var walDirectory: String { root + "/wal" }
    package var eventsDirectory: String { segmentRoot + "/events" }

    package func projectDirectory(_ project: ProjectSlug) -> String {
        eventsDirectory + "/project=" + project.value
    }

    package func partitionDirectory(_ project: ProjectSlug, _ day: UTCDay) -> String {
        projectDirectory(project) + "/date=" + day.description
    }

    /// A segment's key in the manifest: its path under the segment root (`events/project=P/date=D/NAME`).
    package func key(of path: String) -> String {
        path.hasPrefix(segmentRoot + "/") ? String(path.dropFirst(segmentRoot.count + 1)) : path
    }

    /// The file of a manifest key.
    package func path(of key: String) -> String { segmentRoot + "/" + key }

    /// Projects that have a directory, sorted.
    package func projects() -> [ProjectSlug] {
        DurableFile.list(eventsDirectory).compactMap { name in
            guard name.hasPrefix("project=") else { return nil }
            return try? ProjectSlug(String(name.dropFirst("project=".count)))
        }
    }

    /// Date partitions of a project, sorted.
    package func days(_ project: ProjectSlug) -> [UTCDay] {
        DurableFile.list(projectDirectory(project)).compactMap { name in
            guard name.hasPrefix("date=") else { return nil }
            return UTCDay(String(name.dropFirst("date=".count)))
        }
    }

    /// Segment files (`*.parquet`) of one partition, sorted by name; temporary files are not listed.
    package func segments(_ project: ProjectSlug, _ day: UTCDay) -> [String] {
        let directory = partitionDirectory(project, day)
        return DurableFile.list(directory).filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") }
            .map { directory + "/" + $0 }
    }

    /// A fresh segment name: a kind letter, the creation time, the node that writes it and a random suffix,
    /// so names sort by age, say where they came from, and two writers never collide.
    package static func newSegmentName(kind: Character, node: String) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let micros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
        let random = UInt32.random(in: 0...UInt32.max)
        return "\(kind)-\(hex(micros, 14))-\(node)-\(hex(UInt64(random), 8)).parquet"
    }

    private static func hex(_ v: UInt64, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
