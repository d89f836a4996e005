package import UpliftModel
package import UpliftObjectStore

/// Where a store's segments are kept for good. Every segment is first written (and fsynced) into the data
/// directory; the storage then says whether that file is the segment (the local directory, the default) or a
/// copy of an object in a bucket that several nodes share (`--storage s3://BUCKET/PREFIX`), in which case
/// the directory is a cache: segments of other nodes are downloaded into it when a query or a compaction
/// needs them, under the same keys.
package protocol SegmentStorage: Sendable {
    /// The storage's name in the segment manifest.
    var name: String { get }
    /// Whether other nodes write segments here too: the store then takes its list of live segments from the
    /// manifest before a query, not only from its own flushes.
    var isShared: Bool { get }
    /// Makes segments whose files are durable under the data directory durable in the storage.
    func publish(_ segments: [WrittenSegment]) async throws(UpliftError)
    /// Makes the segments readable at their paths under `layout` (downloads those the cache lacks, checking
    /// each against its manifest row), and keeps them so until the returned pins end.
    func materialize(_ records: [SegmentRecord], layout: SegmentLayout) async throws(UpliftError) -> SegmentPins
    /// Those of `paths` whose files are here now, kept so until the returned pins end (readers that can do
    /// without the others).
    func present(_ paths: [String]) -> (paths: [String], pins: SegmentPins)
    /// Takes in the segment files already under `layout` (the cache of an earlier run).
    func adoptCache(_ layout: SegmentLayout) async throws(UpliftError)
    /// The local copies' size and traffic, when the segments are copies of a shared storage's.
    var cacheStatus: SegmentCacheStatus? { get }
    /// Deletes segments for good (replaced ones no query can be reading any more, orphans).
    func delete(_ keys: [String], layout: SegmentLayout) async throws(UpliftError)
    /// Whether the storage answers now (one quick try, for `/readyz`): nil when it does, else why not.
    func probe() async -> UpliftError?
    /// The manifest keys of every segment the storage holds (a bucket's listing; the data directory's are
    /// handled when the store opens).
    func keys() async throws(UpliftError) -> [String]
}

/// The data directory itself: its files are the segments.
package struct LocalSegmentStorage: SegmentStorage {
    package let name: String
    package var isShared: Bool { false }

    package init(name: String) { self.name = name }

    package func publish(_ segments: [WrittenSegment]) async throws(UpliftError) {}

    package func materialize(
        _ records: [SegmentRecord], layout: SegmentLayout
    ) async throws(UpliftError) -> SegmentPins { SegmentPins() }

    package func present(_ paths: [String]) -> (paths: [String], pins: SegmentPins) { (paths, SegmentPins()) }

    package func adoptCache(_ layout: SegmentLayout) async throws(UpliftError) {}

    package var cacheStatus: SegmentCacheStatus? { nil }

    package func probe() async -> UpliftError? { nil }

    package func keys() async throws(UpliftError) -> [String] { [] }

    package func delete(_ keys: [String], layout: SegmentLayout) async throws(UpliftError) {
        try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            for key in keys { try DurableFile.remove(layout.path(of: key)) }
        }
    }
}

/// An S3-compatible bucket shared by several nodes, the data directory (or `--cache-dir`) its local cache,
/// within `--cache-size` (`SegmentCache`).
///
/// An object's key is the location's prefix and the manifest key (`PREFIX/events/project=P/date=D/NAME`),
/// so the bucket reads like a data directory: DuckDB, Spark or Trino can read `uplift segments`' list as it
/// is. A download is checked against the manifest row (size and CRC-32C) before it is renamed into place, so
/// a torn or tampered object is never read as a segment.
package struct ObjectSegmentStorage: SegmentStorage {
    package let client: S3Client
    package let cache: SegmentCache
    package var name: String { client.location.description }
    package var isShared: Bool { true }

    /// `cacheBytes`: the most the local copies may take between queries (nil: no limit).
    package init(client: S3Client, cacheBytes: Int64? = nil) {
        self.client = client
        self.cache = SegmentCache(budget: cacheBytes)
    }

    /// The object key of a manifest key.
    package func objectKey(_ key: String) -> String { client.location.prefix + key }

    /// The `s3://BUCKET/KEY` address of a manifest key, as DuckDB, Spark and Trino read it.
    package func objectURL(_ key: String) -> String { "s3://" + client.location.bucket + "/" + objectKey(key) }

    package func publish(_ segments: [WrittenSegment]) async throws(UpliftError) {
        for segment in segments {
            let bytes = try await WorkPool.shared.run(.background) { () throws(UpliftError) in
                try DurableFile.readAll(segment.path)
            }
            try await client.put(objectKey(segment.record.key), bytes)
        }
        cache.added(segments.map { ($0.path, $0.record.bytes) })
    }

    package func probe() async -> UpliftError? { await client.probe() }

    package func keys() async throws(UpliftError) -> [String] {
        let prefix = client.location.prefix
        return try await client.list(prefix: prefix + "events/").map { String($0.key.dropFirst(prefix.count)) }
    }

    package var cacheStatus: SegmentCacheStatus? { cache.status }

    package func present(_ paths: [String]) -> (paths: [String], pins: SegmentPins) {
        let pins = cache.pin(paths)
        return (paths.filter { DurableFile.fileSize($0) != nil }, pins)
    }

    package func adoptCache(_ layout: SegmentLayout) async throws(UpliftError) {
        let files = await WorkPool.shared.run(.background) { () -> [(path: String, bytes: Int64, age: Int64)] in
            var files: [(path: String, bytes: Int64, age: Int64)] = []
            for project in layout.projects() {
                for day in layout.days(project) {
                    for path in layout.segments(project, day) {
                        guard let bytes = DurableFile.fileSize(path) else { continue }
                        files.append((path, bytes, DurableFile.modificationTime(path) ?? 0))
                    }
                }
            }
            return files
        }
        cache.adopt(files.sorted { $0.age < $1.age }.map { ($0.path, $0.bytes) })
    }

    package func materialize(
        _ records: [SegmentRecord], layout: SegmentLayout
    ) async throws(UpliftError) -> SegmentPins {
        let pins = cache.pin(records.map { layout.path(of: $0.key) })
        var downloaded: [(path: String, bytes: Int64)] = []
        defer { cache.added(downloaded, downloaded: true) }
        for record in records {
            let path = layout.path(of: record.key)
            if DurableFile.fileSize(path) == record.bytes { continue }
            guard let bytes = try await client.get(objectKey(record.key)) else {
                throw UpliftError(
                    .storageUnavailable,
                    "segment \(objectKey(record.key)) is in the manifest but not in the bucket \(client.location.bucket)"
                )
            }
            guard bytes.count == record.bytes, SegmentRecord.checksum(bytes) == record.checksum else {
                throw UpliftError(
                    .storageUnavailable,
                    "segment \(objectKey(record.key)) in the bucket does not match its manifest row (\(bytes.count) bytes, CRC-32C \(SegmentRecord.checksum(bytes)); the manifest says \(record.bytes) bytes, \(record.checksum)): run uplift verify"
                )
            }
            try await WorkPool.shared.run(.background) { () throws(UpliftError) in
                try DurableFile.createDirectories(DurableFile.parent(of: path))
                try DurableFile.write(bytes, to: path, shared: true)
            }
            downloaded.append((path, Int64(bytes.count)))
        }
        return pins
    }

    package func delete(_ keys: [String], layout: SegmentLayout) async throws(UpliftError) {
        for key in keys { try await client.delete(objectKey(key)) }
        try await WorkPool.shared.run(.background) { () throws(UpliftError) in
            for key in keys { try DurableFile.remove(layout.path(of: key)) }
        }
        cache.removed(keys.map { layout.path(of: $0) })
    }
}
