package import UpliftModel

/// Where a store records which of its segments are live: the segment manifest in the catalog. A flush
/// adds its segments once their files are durable; a compaction replaces its sources by its outputs in
/// one step. The manifest, not a directory listing, is what queries read, so they never see a
/// half-written flush or a half-compacted day, and a file no row names is an orphan to remove.
package protocol SegmentRegistry: Sendable {
    /// The storage the rows are about (the manifest's `storage`): `file:<absolute data directory>` or
    /// `s3://bucket/prefix`.
    var storage: String { get }
    /// Whether the manifest holds this storage's segments; false for a data directory written before the
    /// manifest existed, which the store adopts once from its files (`adopt`).
    func isAdopted() async throws(UpliftError) -> Bool
    /// Records `records` as the storage's live segments and marks it adopted; false when it was already.
    func adopt(_ records: [SegmentRecord]) async throws(UpliftError) -> Bool
    /// Every live segment.
    func live() async throws(UpliftError) -> [SegmentRecord]
    /// The live segments of one project.
    func live(project: ProjectSlug) async throws(UpliftError) -> [SegmentRecord]
    /// Every key the manifest names, live or replaced.
    func keys() async throws(UpliftError) -> Set<String>
    /// Adds durable segments, unless a project of theirs began an erasure after `erasuresBegun` was read (the
    /// number `erasuresBegun(projects:)` gave for each): false then, and nothing added. Beginning an erasure
    /// and this check exclude each other, so a flush's segments are either seen by the erasure or written
    /// knowing it.
    func add(_ records: [SegmentRecord], erasuresBegun: [ProjectSlug: Int]) async throws(UpliftError) -> Bool
    /// How many erasures each of `projects` has begun (missing: none).
    func erasuresBegun(projects: Set<ProjectSlug>) async throws(UpliftError) -> [ProjectSlug: Int]
    /// The persons `project` has erased (`ErasedPersons`).
    func erasedPersons(project: ProjectSlug) async throws(UpliftError) -> ErasedPersons
    /// Replaces live segments (keys) by others in one step; false, and nothing changed, when one of them
    /// is no longer live.
    func replace(_ sources: [String], with outputs: [SegmentRecord]) async throws(UpliftError) -> Bool
    /// Segments replaced at least `age` ago (their files may go).
    func replaced(olderThan age: Duration) async throws(UpliftError) -> [SegmentRecord]
    /// Forgets replaced segments whose files are gone.
    func forget(_ keys: [String]) async throws(UpliftError)
    /// Takes (or renews) the lease to compact a day for `holder`, for `duration`; false while another holds it.
    func lease(
        project: ProjectSlug, day: UTCDay, holder: String, for duration: Duration
    ) async throws(UpliftError)
        -> Bool
    /// Gives a lease back.
    func release(project: ProjectSlug, day: UTCDay, holder: String) async throws(UpliftError)
}

/// A segment file just written, with its manifest row.
package struct WrittenSegment: Sendable {
    package var path: String
    package var record: SegmentRecord
}

extension SegmentRecord {
    /// The row of a segment whose `bytes` were written to `path` under `layout`'s root, holding `rows` rows
    /// whose times are `times`.
    package static func of(
        bytes: [UInt8], path: String, layout: SegmentLayout, project: ProjectSlug, day: UTCDay, node: String,
        times: some Sequence<Int64>
    ) -> SegmentRecord {
        var rows: Int64 = 0
        var earliest = Int64.max
        var latest = Int64.min
        for t in times {
            rows += 1
            earliest = min(earliest, t)
            latest = max(latest, t)
        }
        return SegmentRecord(
            project: project, day: day, key: layout.key(of: path), node: node, rows: rows, bytes: Int64(bytes.count),
            minTime: rows == 0 ? 0 : earliest, maxTime: rows == 0 ? 0 : latest, checksum: checksum(bytes))
    }

    /// The row of a segment already on disk (a data directory adopted by the manifest): its footer's
    /// rows, its times, its size and checksum.
    package static func of(
        file path: String, layout: SegmentLayout, project: ProjectSlug, day: UTCDay, node: String
    ) throws(UpliftError) -> SegmentRecord {
        let bytes = try DurableFile.readAll(path)
        let segment = try EventSegment(path: path, columns: [.timestamp])
        var times: [Int64] = []
        for group in segment.rowGroupSizes.indices { times += try segment.integers(.timestamp, rowGroup: group) }
        return of(bytes: bytes, path: path, layout: layout, project: project, day: day, node: node, times: times)
    }

    /// CRC-32C as 8 lower-case hex digits.
    package static func checksum(_ bytes: [UInt8]) -> String {
        let text = String(CRC32C.checksum(bytes), radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }
}
