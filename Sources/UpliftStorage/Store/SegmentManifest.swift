package import UpliftModel

/// The segments a store serves, by project and day. Kept in memory and changed only by the store's
/// actor, so a snapshot never sees a flush's events twice (in a new segment and still in memory).
package struct SegmentManifest: Sendable {
    private var segments: [ProjectSlug: [UTCDay: [String]]] = [:]

    /// Lists the data directory, finishing what a crash interrupted. A compacted segment names in its
    /// footer the segments it replaces and its sibling outputs: when every output is present the
    /// replaced segments still there are removed; when one is missing, the compaction did not finish
    /// and its outputs are removed instead (the sources are intact). Temporary files are removed too.
    package static func load(_ layout: SegmentLayout) throws(UpliftError) -> SegmentManifest {
        var manifest = SegmentManifest()
        for project in layout.projects() {
            for day in layout.days(project) {
                let directory = layout.partitionDirectory(project, day)
                for name in DurableFile.list(directory) where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                    try DurableFile.remove(directory + "/" + name)
                }
                var paths = layout.segments(project, day)
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
                obsolete.formIntersection(present)
                if !obsolete.isEmpty {
                    for name in obsolete { try DurableFile.remove(directory + "/" + name) }
                    try DurableFile.syncDirectory(directory)
                    paths.removeAll { obsolete.contains(SegmentLayout.name(of: $0)) }
                }
                if !paths.isEmpty { manifest.segments[project, default: [:]][day] = paths }
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

    package mutating func add(project: ProjectSlug, day: UTCDay, path: String) {
        segments[project, default: [:]][day, default: []].append(path)
    }

    package mutating func replace(project: ProjectSlug, day: UTCDay, sources: [String], with outputs: [String]) {
        let gone = Set(sources)
        var paths = segments[project]?[day] ?? []
        paths.removeAll { gone.contains($0) }
        paths.append(contentsOf: outputs)
        segments[project, default: [:]][day] = paths.isEmpty ? nil : paths
    }
}

extension SegmentLayout {
    package static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Compacted segments start with `c-`, flushed ones with `f-`.
    package static func isCompacted(_ path: String) -> Bool { name(of: path).hasPrefix("c-") }
}
