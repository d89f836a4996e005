package import UpliftModel

/// The segments a store serves, by project and day. Kept in memory and changed only by the store's
/// actor, so a snapshot never sees a flush's events twice (in a new segment and still in memory).
package struct SegmentManifest: Sendable {
    private var segments: [ProjectSlug: [UTCDay: [String]]] = [:]

    package init() {}

    /// The segments of manifest rows, as files under `layout`'s root.
    package init(_ records: [SegmentRecord], layout: SegmentLayout) {
        for record in records {
            segments[record.project, default: [:]][record.day, default: []].append(layout.path(of: record.key))
        }
    }

    /// Removes from every partition the temporary files and the segments whose keys `known` lacks (a
    /// flush or compaction that crashed before the manifest had its files). Blocking.
    package static func removeUnnamed(_ layout: SegmentLayout, keeping known: Set<String>) throws(UpliftError) {
        for project in layout.projects() {
            for day in layout.days(project) {
                let directory = layout.partitionDirectory(project, day)
                var removed = false
                for name in DurableFile.list(directory) {
                    let path = directory + "/" + name
                    let temporary = name.hasPrefix(".") && name.hasSuffix(".tmp")
                    let orphan =
                        name.hasSuffix(".parquet") && !name.hasPrefix(".") && !known.contains(layout.key(of: path))
                    guard temporary || orphan else { continue }
                    try DurableFile.remove(path)
                    removed = true
                }
                if removed { try DurableFile.syncDirectory(directory) }
            }
        }
    }

    /// Lists the data directory, finishing what a crash interrupted (see `PartitionState`): the
    /// segments an interrupted compaction left behind and temporary files are removed.
    package static func load(_ layout: SegmentLayout) throws(UpliftError) -> SegmentManifest {
        var manifest = SegmentManifest()
        for project in layout.projects() {
            for day in layout.days(project) {
                let directory = layout.partitionDirectory(project, day)
                let state = try PartitionState.read(layout, project, day)
                for name in state.temporary { try DurableFile.remove(directory + "/" + name) }
                if !state.obsolete.isEmpty {
                    for path in state.obsolete { try DurableFile.remove(path) }
                    try DurableFile.syncDirectory(directory)
                }
                if !state.live.isEmpty { manifest.segments[project, default: [:]][day] = state.live }
            }
        }
        return manifest
    }

    /// The live segments of every partition as an open would leave them, without changing anything:
    /// what `verify` and `stats` read, so that they tell the truth before the server next starts.
    package static func resolve(_ layout: SegmentLayout) throws(UpliftError) -> SegmentManifest {
        var manifest = SegmentManifest()
        for project in layout.projects() {
            for day in layout.days(project) {
                let live = try PartitionState.read(layout, project, day).live
                if !live.isEmpty { manifest.segments[project, default: [:]][day] = live }
            }
        }
        return manifest
    }

    package var projects: [ProjectSlug] { segments.keys.sorted() }

    package func days(of project: ProjectSlug) -> [UTCDay] { segments[project]?.keys.sorted() ?? [] }

    package func segments(of project: ProjectSlug) -> [String] {
        days(of: project).flatMap { segments[project]![$0]! }
    }

    package func segments(of project: ProjectSlug, day: UTCDay) -> [String] { segments[project]?[day] ?? [] }

    /// Adds a segment; adding one already there changes nothing.
    package mutating func add(project: ProjectSlug, day: UTCDay, path: String) {
        guard !(segments[project]?[day]?.contains(path) ?? false) else { return }
        segments[project, default: [:]][day, default: []].append(path)
    }

    /// Sets a project's segments (a shared storage's manifest, read anew).
    package mutating func set(project: ProjectSlug, _ records: [SegmentRecord], layout: SegmentLayout) {
        var days: [UTCDay: [String]] = [:]
        for record in records { days[record.day, default: []].append(layout.path(of: record.key)) }
        segments[project] = days.isEmpty ? nil : days
    }

    package mutating func replace(project: ProjectSlug, day: UTCDay, sources: [String], with outputs: [String]) {
        let gone = Set(sources)
        var paths = segments[project]?[day] ?? []
        paths.removeAll { gone.contains($0) }
        paths.append(contentsOf: outputs.filter { !paths.contains($0) })
        segments[project, default: [:]][day] = paths.isEmpty ? nil : paths
    }
}

/// One partition's files as the crash protocol sees them. A compacted segment names in its footer the
/// segments it replaces and its sibling outputs: when every output is present the replaced segments
/// still there are obsolete; when one is missing, the compaction did not finish and its outputs are
/// obsolete instead (the sources are intact). Reading the state changes nothing.
package struct PartitionState: Sendable {
    /// Paths of the segments that hold the partition's events.
    package var live: [String]
    /// Paths of the segments that an open removes.
    package var obsolete: [String]
    /// Names of temporary files (a write that never reached its rename) that an open removes.
    package var temporary: [String]

    package static func read(
        _ layout: SegmentLayout, _ project: ProjectSlug, _ day: UTCDay
    ) throws(UpliftError) -> PartitionState {
        let directory = layout.partitionDirectory(project, day)
        let temporary = DurableFile.list(directory).filter { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }
        let paths = layout.segments(project, day)
        let present = Set(paths.map(SegmentLayout.name(of:)))
        var obsolete = Set<String>()
        for path in paths where SegmentLayout.isCompacted(path) {
            guard let record = try SegmentReader.compactionRecord(path: path) else { continue }
            if record.outputs.allSatisfy(present.contains) {
                obsolete.formUnion(record.replaces)
            } else {
                obsolete.insert(SegmentLayout.name(of: path))
            }
        }
        return PartitionState(
            live: paths.filter { !obsolete.contains(SegmentLayout.name(of: $0)) },
            obsolete: paths.filter { obsolete.contains(SegmentLayout.name(of: $0)) }, temporary: temporary)
    }
}

extension SegmentLayout {
    package static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The node that wrote a segment, from its name (`KIND-TIME-NODE-RANDOM.parquet`); empty for a name from
    /// before nodes were named (`KIND-TIME-RANDOM.parquet`).
    package static func node(ofSegment path: String) -> String {
        let parts = name(of: path).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return "" }
        return parts[2..<(parts.count - 1)].joined(separator: "-")
    }

    /// When a segment was named (µs since the epoch), from its name (`KIND-TIME-…`, the time in hex).
    package static func creationTime(ofSegment path: String) -> Int64? {
        let parts = name(of: path).split(separator: "-")
        guard parts.count >= 3, let micros = UInt64(parts[1], radix: 16) else { return nil }
        return Int64(clamping: micros)
    }

    /// Compacted segments start with `c-`, flushed ones with `f-`.
    package static func isCompacted(_ path: String) -> Bool { name(of: path).hasPrefix("c-") }
}
