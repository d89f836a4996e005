import Foundation
import Synchronization
import TestSupport
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

@testable import UpliftStorage

/// The event store over the catalog's segment manifest: what a flush, a compaction, a crash and an old
/// data directory leave in the manifest and on disk.
struct SegmentManifestStoreTests {
    static let secret = try! CatalogSecret(text: String(repeating: "manifest-pepper-", count: 3))
    static let project = try! ProjectSlug("app")
    static let day = UTCDay("2026-03-02")!

    static func events(_ count: Int, from start: Int = 0) -> [Event] {
        (start..<(start + count)).map { i in
            Event(
                eventID: "e-\(i)", type: .track, event: i % 3 == 0 ? "signed_up" : "viewed", distinctID: "u-\(i % 17)",
                timestamp: day.startMicroseconds + Int64(i) * 1_000_000, receivedAt: day.startMicroseconds)
        }
    }

    /// A data directory with a SQLite catalog: `body` gets them and a registry of the directory.
    static func withDirectory(
        _ body: (URL, Catalog, CatalogSegmentRegistry) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory(prefix: "uplift-manifest") { dir in
            try await Catalog.withOpen(
                CatalogConfiguration(url: .sqlite(path: dir.path + "/catalog.sqlite"), secret: Self.secret)
            ) { catalog in
                try await body(
                    dir, catalog, try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: dir.path))
            }
        }
    }

    static func parquetFiles(_ dir: URL) -> [String] {
        let layout = SegmentLayout(root: dir.path)
        return layout.days(project).flatMap { layout.segments(project, $0) }.sorted()
    }

    @Test func flushAndCompactionKeepTheManifestAndTheFilesInStep() async throws {
        try await Self.withDirectory { dir, _, registry in
            let layout = SegmentLayout(root: dir.path)
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: registry)
            _ = try await store.append(project: Self.project, events: Self.events(30))
            try await store.flush()
            _ = try await store.append(project: Self.project, events: Self.events(20, from: 30))
            try await store.flush()
            var live = try await registry.live()
            #expect(live.count == 2)
            #expect(live.map { layout.path(of: $0.key) }.sorted() == Self.parquetFiles(dir))
            #expect(live.map(\.rows).reduce(0, +) == 50)
            for record in live {
                let bytes = try DurableFile.readAll(layout.path(of: record.key))
                #expect(record.bytes == Int64(bytes.count))
                #expect(record.checksum == SegmentRecord.checksum(bytes))
                #expect(record.day == Self.day && record.project == Self.project)
                #expect(record.node == StoreConfiguration(dataDirectory: dir.path).node)
            }
            #expect(live.map(\.minTime).min() == Self.day.startMicroseconds)
            #expect(live.map(\.maxTime).max() == Self.day.startMicroseconds + 49 * 1_000_000)

            try await store.compact(project: Self.project)
            live = try await registry.live()
            #expect(live.count == 1 && live[0].name.hasPrefix("c-"))
            #expect(live.map { layout.path(of: $0.key) } == Self.parquetFiles(dir))
            // The sources are gone from the disk and, once deleted, from the manifest.
            #expect(try await registry.keys() == [live[0].key])
            let snapshot = await store.snapshot(project: Self.project)
            #expect(snapshot.segments == [layout.path(of: live[0].key)])
            try await store.close()
        }
    }

    /// A crash after a segment file was written but before the manifest named it: opening removes the file,
    /// and its events (still in the log, or sent again) are stored exactly once.
    @Test func filesTheManifestDoesNotNameAreRemovedAndNeverDeduplicateAgainst() async throws {
        try await Self.withDirectory { dir, _, registry in
            let layout = SegmentLayout(root: dir.path)
            let events = Self.events(40)
            do {
                let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: registry)
                _ = try await store.append(project: Self.project, events: Array(events.prefix(10)))
                try await store.close()
            }
            // What a crashed flush leaves: a complete segment of the other 30 events that no row names, and a
            // temporary file.
            let partition = layout.partitionDirectory(Self.project, Self.day)
            let orphan = try await SegmentWriter.writePartitions(
                of: [.init(id: 1, project: Self.project, events: Array(events.suffix(30)))], layout: layout,
                configuration: StoreConfiguration(dataDirectory: dir.path))
            try DurableFile.write([1, 2, 3], to: partition + "/.f-crashed.parquet.tmp")
            #expect(Self.parquetFiles(dir).count == 2)

            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: registry)
            #expect(!FileManager.default.fileExists(atPath: orphan[0].path))
            #expect(!FileManager.default.fileExists(atPath: partition + "/.f-crashed.parquet.tmp"))
            // The orphan's events were never acknowledged as stored: sent again, they are new.
            let result = try await store.append(project: Self.project, events: events)
            #expect(result == EventStore.AppendResult(accepted: 30, duplicates: 10))
            try await store.flush()
            let stored = try await store.snapshot(project: Self.project).allEvents()
            #expect(stored.count == 40 && Set(stored.map(\.eventID)).count == 40)
            try await store.close()
        }
    }

    /// A data directory written before the manifest existed is adopted once, from its files; after that,
    /// a file the manifest does not name is an orphan.
    @Test func anOldDataDirectoryIsAdoptedOnce() async throws {
        try await Self.withDirectory { dir, _, registry in
            let layout = SegmentLayout(root: dir.path)
            do {
                let old = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path))
                _ = try await old.append(project: Self.project, events: Self.events(25))
                try await old.flush()
                _ = try await old.append(project: Self.project, events: Self.events(5, from: 25))
                try await old.close()
            }
            let before = Self.parquetFiles(dir)
            #expect(before.count == 2)
            let isAdopted = try await registry.isAdopted()
            #expect(!isAdopted)
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: registry)
            let live = try await registry.live()
            #expect(live.map { layout.path(of: $0.key) }.sorted() == before)
            #expect(live.map(\.rows).reduce(0, +) == 30)
            #expect(try await store.snapshot(project: Self.project).allEvents().count == 30)
            try await store.close()

            // A file copied in by hand after adoption is not live, and the next open removes it.
            let stray = layout.partitionDirectory(Self.project, Self.day) + "/f-00000000000000-stray.parquet"
            try FileManager.default.copyItem(atPath: before[0], toPath: stray)
            let again = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: registry)
            #expect(!FileManager.default.fileExists(atPath: stray))
            #expect(try await again.snapshot(project: Self.project).allEvents().count == 30)
            try await again.close()
        }
    }

    /// The manifest cannot be written (the catalog is down): the flush fails and keeps the events; the
    /// next flush finds that the manifest never got the segment, removes its file and stores the events anew.
    @Test func aFlushTheManifestRefusesLosesNothing() async throws {
        try await Self.withDirectory { dir, _, registry in
            let failing = FailingRegistry(registry)
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: failing)
            _ = try await store.append(project: Self.project, events: Self.events(12))
            failing.failAdds.withLock { $0 = true }
            await #expect(throws: UpliftError.self) { try await store.flush() }
            let unnamed = Self.parquetFiles(dir)
            #expect(unnamed.count == 1)
            #expect(await store.snapshot(project: Self.project).pending.count == 12)
            #expect(try await store.snapshot(project: Self.project).allEvents().count == 12)
            failing.failAdds.withLock { $0 = false }
            try await store.flush()
            #expect(!FileManager.default.fileExists(atPath: unnamed[0]))
            #expect(Self.parquetFiles(dir).count == 1)
            #expect(try await registry.live().map(\.rows) == [12])
            #expect(try await store.snapshot(project: Self.project).allEvents().count == 12)
            try await store.close()
        }
    }

    /// The manifest write committed but its answer was lost (a connection broken during COMMIT): the next
    /// flush finds the rows, keeps the segment and does not write its events again.
    @Test func aFlushWhoseManifestWriteCommittedUnseenIsNotWrittenTwice() async throws {
        try await Self.withDirectory { dir, _, registry in
            let failing = FailingRegistry(registry)
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: failing)
            _ = try await store.append(project: Self.project, events: Self.events(12))
            failing.commitThenFail.withLock { $0 = true }
            await #expect(throws: UpliftError.self) { try await store.flush() }
            failing.commitThenFail.withLock { $0 = false }
            _ = try await store.append(project: Self.project, events: Self.events(3, from: 12))
            try await store.flush()
            #expect(try await registry.live().map(\.rows).sorted() == [3, 12])
            #expect(Self.parquetFiles(dir).count == 2)
            let stored = try await store.snapshot(project: Self.project).allEvents()
            #expect(stored.count == 15 && Set(stored.map(\.eventID)).count == 15)
            try await store.close()
        }
    }

    /// While the manifest cannot be written, appends go on into the log until twice the flush threshold
    /// waits, then fail with the manifest's error (503 with Retry-After); once it can, the flusher's next
    /// try stores everything and appends succeed again. Nothing acknowledged is lost.
    @Test func ingestionHoldsBackWhileTheManifestIsDownAndRecovers() async throws {
        try await Self.withDirectory { dir, _, registry in
            let failing = FailingRegistry(registry)
            var configuration = StoreConfiguration(dataDirectory: dir.path)
            configuration.flushEvents = 10
            let store = try await EventStore.open(configuration, registry: failing)
            failing.failAdds.withLock { $0 = true }
            let (ticks, tick) = AsyncStream.makeStream(of: Void.self)
            let flusher = Task { await store.runFlusher(ticks: ticks) }
            // Without the flusher running yet, the append would flush (and fail) itself.
            try await Self.until { await store.hasFlusher }
            // Full: the flusher is signalled, and its flush fails.
            _ = try await store.append(project: Self.project, events: Self.events(10))
            try await Self.until { await store.status().lastFlushError != nil }
            let error = await #expect(throws: UpliftError.self) {
                try await store.append(project: Self.project, events: Self.events(10, from: 10))
            }
            #expect(error?.code == .catalogUnavailable)
            #expect(try await registry.live().isEmpty)
            // Refused, but durable: in the log, and in what queries see.
            #expect(await store.snapshot(project: Self.project).pending.count == 20)

            failing.failAdds.withLock { $0 = false }
            tick.yield()
            try await Self.until {
                let status = await store.status()
                return status.lastFlushError == nil && status.pendingEvents == 0
            }
            let result = try await store.append(project: Self.project, events: Self.events(5, from: 20))
            #expect(result.accepted == 5)
            tick.finish()
            await flusher.value
            try await store.close()
            #expect(try await registry.live().map(\.rows).reduce(0, +) == 25)
        }
    }

    /// Polls `condition` until it holds (a real flush runs on other threads), for at most 60 s: the bound only
    /// tells a stuck store from a slow one. Under the sanitizer pass in CI, with other suites on both cores, 10 s
    /// was once not enough. Each poll gives the cooperative threads back for a millisecond, not only a yield: a
    /// tight loop of yields kept one of the two busy.
    static func until(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw UpliftError(.io, "condition not met within 60 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Another writer compacted the day first: this compaction's outputs are dropped, nothing changes.
    @Test func aDayReplacedMeanwhileKeepsTheOtherCompaction() async throws {
        try await Self.withDirectory { dir, _, registry in
            let failing = FailingRegistry(registry)
            let store = try await EventStore.open(StoreConfiguration(dataDirectory: dir.path), registry: failing)
            _ = try await store.append(project: Self.project, events: Self.events(8))
            try await store.flush()
            _ = try await store.append(project: Self.project, events: Self.events(8, from: 8))
            try await store.flush()
            let before = Self.parquetFiles(dir)
            failing.refuseReplacements.withLock { $0 = true }
            let report = try await store.compact(project: Self.project)
            #expect(report.partitions == 0)
            #expect(Self.parquetFiles(dir) == before)
            #expect(try await registry.live().count == 2)
            #expect(try await store.snapshot(project: Self.project).allEvents().count == 16)
            try await store.close()
        }
    }
}

/// A registry whose writes can be made to fail (`add` throws) or lose a race (`replace` answers false).
final class FailingRegistry: SegmentRegistry {
    let base: CatalogSegmentRegistry
    let failAdds = Mutex(false)
    /// `add` writes the rows, then reports a failure.
    let commitThenFail = Mutex(false)
    let refuseReplacements = Mutex(false)

    init(_ base: CatalogSegmentRegistry) { self.base = base }

    var storage: String { base.storage }
    func isAdopted() async throws(UpliftError) -> Bool { try await base.isAdopted() }
    func adopt(_ records: [SegmentRecord]) async throws(UpliftError) -> Bool { try await base.adopt(records) }
    func live() async throws(UpliftError) -> [SegmentRecord] { try await base.live() }
    func live(project: ProjectSlug) async throws(UpliftError) -> [SegmentRecord] {
        try await base.live(project: project)
    }
    func keys() async throws(UpliftError) -> Set<String> { try await base.keys() }
    func add(_ records: [SegmentRecord], erasuresBegun: [ProjectSlug: Int]) async throws(UpliftError) -> Bool {
        if failAdds.withLock({ $0 }) { throw UpliftError(.catalogUnavailable, "the catalog is down (test)") }
        let added = try await base.add(records, erasuresBegun: erasuresBegun)
        if commitThenFail.withLock({ $0 }) {
            throw UpliftError(.catalogUnavailable, "lost the connection during COMMIT (test)")
        }
        return added
    }
    func erasuresBegun(projects: Set<ProjectSlug>) async throws(UpliftError) -> [ProjectSlug: Int] {
        try await base.erasuresBegun(projects: projects)
    }
    func erasedPersons(project: ProjectSlug) async throws(UpliftError) -> ErasedPersons {
        try await base.erasedPersons(project: project)
    }
    func replace(_ sources: [String], with outputs: [SegmentRecord]) async throws(UpliftError) -> Bool {
        if refuseReplacements.withLock({ $0 }) { return false }
        return try await base.replace(sources, with: outputs)
    }
    func replaced(olderThan age: Duration) async throws(UpliftError) -> [SegmentRecord] {
        try await base.replaced(olderThan: age)
    }
    func forget(_ keys: [String]) async throws(UpliftError) { try await base.forget(keys) }
    func lease(
        project: ProjectSlug, day: UTCDay, holder: String, for duration: Duration
    ) async throws(UpliftError)
        -> Bool
    { try await base.lease(project: project, day: day, holder: holder, for: duration) }
    func release(project: ProjectSlug, day: UTCDay, holder: String) async throws(UpliftError) {
        try await base.release(project: project, day: day, holder: holder)
    }
}
