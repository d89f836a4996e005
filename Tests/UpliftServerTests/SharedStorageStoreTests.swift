import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing
import UpliftCatalog
import UpliftModel
import UpliftObjectStore
import UpliftServer
import UpliftStorage

/// UPLIFT_TEST_S3_ENDPOINT, when set (`make test` starts moto's server: Tests/s3.sh).
private let s3Endpoint: String? = {
    let value = ProcessInfo.processInfo.environment["UPLIFT_TEST_S3_ENDPOINT"] ?? ""
    return value.isEmpty ? nil : value
}()

/// Event stores of several nodes on one bucket (moto's S3 server) and one catalog: a flush uploads before it
/// records, every node's query reads every node's segments, compaction leaves replaced objects for the grace
/// period, and a data directory is never both a local store and a bucket's cache.
@Suite(.enabled(if: s3Endpoint != nil, "needs UPLIFT_TEST_S3_ENDPOINT (make test starts moto's S3 server)"))
struct SharedStorageStoreTests {
    static let secret = try! CatalogSecret(text: String(repeating: "shared-pepper-", count: 3))
    static let project = try! ProjectSlug("app")
    static let day = UTCDay("2026-03-02")!

    static func events(_ range: Range<Int>) -> [Event] {
        range.map { i in
            Event(
                eventID: "e-\(i)", type: .track, event: i % 3 == 0 ? "signed_up" : "viewed", distinctID: "u-\(i % 17)",
                timestamp: day.startMicroseconds + Int64(i) * 1_000_000, receivedAt: day.startMicroseconds)
        }
    }

    /// A new bucket of its own (the moto server is shared by the whole test run).
    static func bucket() async throws -> ObjectSegmentStorage {
        let endpoint = try #require(s3Endpoint)
        let name = "uplift-shared-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let client = S3Client(
            location: try S3Location(url: "s3://\(name)/prod", endpoint: endpoint),
            credentials: AWSCredentials(accessKeyID: "uplift-test", secretAccessKey: "uplift-test-secret"))
        try await client.createBucket()
        return ObjectSegmentStorage(client: client)
    }

    /// Two nodes' data directories, a catalog they share (SQLite here: the storage logic is the same on
    /// PostgreSQL, whose concurrent writers the catalog tests cover) and a bucket.
    static func withNodes(
        _ body: (_ directories: [String], _ catalog: Catalog, _ bucket: ObjectSegmentStorage) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory(prefix: "uplift-shared") { dir in
            let directories = ["a", "b"].map { dir.path + "/" + $0 }
            let bucket = try await bucket()
            try await Catalog.withOpen(
                CatalogConfiguration(url: .sqlite(path: dir.path + "/catalog.sqlite"), secret: Self.secret)
            ) { catalog in
                try await body(directories, catalog, bucket)
            }
            await bucket.client.shutdown()
        }
    }

    static func open(
        _ directory: String, node: String, catalog: Catalog, bucket: ObjectSegmentStorage,
        grace: Duration = .seconds(600)
    ) async throws -> EventStore {
        var configuration = StoreConfiguration(dataDirectory: directory)
        configuration.node = node
        configuration.manifestRefresh = .zero
        configuration.replacedGrace = grace
        return try await EventStore.open(
            configuration,
            registry: try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: directory, shared: bucket),
            storage: bucket)
    }

    /// A local store (the data directory keeps the segments) in `directory`, holding five events, closed.
    static func localStore(_ directory: String, catalog: Catalog) async throws {
        let local = try await EventStore.open(
            StoreConfiguration(dataDirectory: directory),
            registry: try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: directory))
        _ = try await local.append(project: project, events: events(0..<5))
        try await local.close()
    }

    static func objectKeys(_ bucket: ObjectSegmentStorage) async throws -> Set<String> {
        Set(try await bucket.client.list(prefix: bucket.client.location.prefix).map(\.key))
    }

    static func ids(_ snapshot: Snapshot) throws -> [String] { try snapshot.allEvents().map(\.eventID).sorted() }

    @Test func everyNodeReadsEveryNodesSegmentsAndCompactionKeepsReplacedObjectsForTheGracePeriod() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            let a = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            let b = try await Self.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            _ = try await a.append(project: Self.project, events: Self.events(0..<30))
            try await a.flush()
            _ = try await b.append(project: Self.project, events: Self.events(30..<50))
            try await b.flush()
            _ = try await b.append(project: Self.project, events: Self.events(50..<55))

            // Each node: both flushes (the other's downloaded into its cache) and its own pending events.
            let all = Self.events(0..<55).map(\.eventID).sorted()
            #expect(try Self.ids(try await b.completeSnapshot(project: Self.project)) == all)
            #expect(
                try Self.ids(try await a.completeSnapshot(project: Self.project))
                    == Self.events(0..<50).map(\.eventID).sorted())
            let registry = CatalogSegmentRegistry(catalog: catalog, storage: bucket.name)
            var live = try await registry.live()
            #expect(live.map(\.node).sorted() == ["a", "b"])
            #expect(try await Self.objectKeys(bucket) == Set(live.map { bucket.objectKey($0.key) }))
            for record in live {
                let object = try #require(try await bucket.client.get(bucket.objectKey(record.key)))
                #expect(SegmentRecord.checksum(object) == record.checksum)
            }

            // Node a compacts the day, b's segment included; the sources stay in the bucket (b may be reading
            // them) but leave the manifest's live list at once.
            try await a.compact(project: Self.project, force: true)
            live = try await registry.live()
            #expect(live.count == 1 && live[0].name.hasPrefix("c-") && live[0].rows == 50)
            #expect(try await Self.objectKeys(bucket).count == 3)
            #expect(try await registry.replaced(olderThan: .zero).count == 2)
            let afterCompaction = try await b.completeSnapshot(project: Self.project)
            #expect(afterCompaction.segments.count == 1)
            #expect(try Self.ids(afterCompaction) == all)

            // Past the grace period (a node opened with none) the replaced objects go.
            try await a.close()
            let sweeper = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket, grace: .zero)
            #expect(try await Self.objectKeys(bucket) == [bucket.objectKey(live[0].key)])
            #expect(try await registry.keys() == [live[0].key])
            try await sweeper.close()
            try await b.close()
        }
    }

    /// A download is checked against its manifest row: an object changed in the bucket is refused with the
    /// key and what differs, never read.
    @Test func aChangedObjectIsRefusedNotRead() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            let a = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            _ = try await a.append(project: Self.project, events: Self.events(0..<10))
            try await a.flush()
            try await a.close()
            let record = try #require(
                try await CatalogSegmentRegistry(catalog: catalog, storage: bucket.name).live().first)
            var bytes = try #require(try await bucket.client.get(bucket.objectKey(record.key)))
            bytes[bytes.count / 2] ^= 0xFF
            try await bucket.client.put(bucket.objectKey(record.key), bytes)

            let b = try await Self.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            let error = try #require(await upliftError { _ = try await b.completeSnapshot(project: Self.project) })
            #expect(error.code == .storageUnavailable)
            #expect(error.message.contains(bucket.objectKey(record.key)) && error.message.contains("does not match"))
            try await b.close()
        }
    }

    /// A local store's directory cannot become a bucket's cache (its segments would be taken for the bucket's
    /// or removed as unknown to its manifest), nor a cache a local store.
    @Test func aDataDirectoryIsEitherALocalStoreOrOneBucketsCache() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            try await Self.localStore(directories[0], catalog: catalog)
            let refused = try #require(
                await upliftError {
                    _ = try CatalogSegmentRegistry.writing(
                        catalog: catalog, dataDirectory: directories[0], shared: bucket)
                })
            #expect(refused.code == .invalidInput && refused.message.contains("local store"))

            let cache = try await Self.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            try await cache.close()
            let asLocal = try #require(
                await upliftError {
                    _ = try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: directories[1])
                })
            #expect(asLocal.message.contains("--storage \(bucket.name)"))
        }
    }
}

extension SharedStorageStoreTests {
    /// One node compacts a day, the other skips it while the lease is held; an event both nodes acknowledged
    /// (ids 20–29 here) is one row after compaction, the first received.
    @Test func twoNodesCompactingOneDayDoItOnceAndKeepEachEventOnce() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            let a = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            let b = try await Self.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            _ = try await a.append(project: Self.project, events: Self.events(0..<30))
            try await a.flush()
            let retried = Self.events(20..<50).map { event in
                var later = event
                later.receivedAt += 1_000_000
                later.properties = #"{"retried":true}"#
                return later
            }
            _ = try await b.append(project: Self.project, events: retried)
            try await b.flush()
            let registry = CatalogSegmentRegistry(catalog: catalog, storage: bucket.name)
            // Before compaction both segments hold events 20–29; b also has 0–2 again in memory (its dedup
            // index did not know a's segment yet). Every node reads each event once.
            _ = try await b.append(project: Self.project, events: Self.events(0..<3))
            let fifty = Self.events(0..<50).map(\.eventID).sorted()
            #expect(try Self.ids(try await a.completeSnapshot(project: Self.project)) == fifty)
            let fromB = try await b.completeSnapshot(project: Self.project)
            #expect(try Self.ids(fromB) == fifty)
            #expect(fromB.pending.isEmpty && fromB.hidden.values.map(\.count).reduce(0, +) == 10)

            // Held by someone else: skipped (b's pending events are flushed first, a third segment).
            #expect(try await registry.lease(project: Self.project, day: Self.day, holder: "c-1", for: .seconds(60)))
            let skipped = try await b.compact(project: Self.project)
            #expect(skipped.partitions == 0 && skipped.daysSkipped == 1)
            #expect(try await registry.live().count == 3)
            let afterFlush = try await a.completeSnapshot(project: Self.project)
            #expect(try Self.ids(afterFlush) == fifty)
            #expect(afterFlush.hidden.values.map(\.count).reduce(0, +) == 13)
            try await registry.release(project: Self.project, day: Self.day, holder: "c-1")

            async let first = a.compact(project: Self.project)
            async let second = b.compact(project: Self.project)
            let reports = try await [first, second]
            #expect(reports.map(\.partitions).reduce(0, +) == 1, "\(reports)")
            let live = try await registry.live()
            #expect(live.count == 1 && live[0].rows == 50)
            // Every object is a segment the manifest names (live, or replaced and waiting for the grace period).
            #expect(try await Self.objectKeys(bucket) == Set(try await registry.keys().map(bucket.objectKey)))
            let events = try (try await a.completeSnapshot(project: Self.project)).allEvents()
            #expect(events.map(\.eventID).sorted() == Self.events(0..<50).map(\.eventID).sorted())
            #expect(events.filter { $0.properties.contains("retried") }.count == 20)
            try await a.close()
            try await b.close()
        }
    }
}

extension SharedStorageStoreTests {
    /// An object store that does not answer: flushes fail and keep the events (in the log and in memory),
    /// appends go on until the log holds `maxLogBytes`, then are refused as `storageUnavailable` (503 with
    /// Retry-After) saying why; the storage's probe names the problem.
    @Test func aStoreThatDoesNotAnswerFillsTheLogThenRefuses() async throws {
        try await withTemporaryDirectory(prefix: "uplift-shared-down") { dir in
            var options = S3Client.Options()
            options.attempts = 2
            options.baseDelay = .milliseconds(1)
            options.connectTimeout = .milliseconds(200)
            // A port nothing listens on (bound, then closed).
            let port = try freeLoopbackPort()
            let bucket = ObjectSegmentStorage(
                client: S3Client(
                    location: try S3Location(url: "s3://down/prod", endpoint: "http://127.0.0.1:\(port)"),
                    credentials: AWSCredentials(accessKeyID: "uplift-test", secretAccessKey: "uplift-test-secret"),
                    options: options))
            try await Catalog.withOpen(
                CatalogConfiguration(url: .sqlite(path: dir.path + "/catalog.sqlite"), secret: Self.secret)
            ) { catalog in
                var configuration = StoreConfiguration(dataDirectory: dir.path + "/node")
                configuration.maxLogBytes = 64  // the log header (8 bytes) fits; five events do not
                let store = try await EventStore.open(
                    configuration,
                    registry: try CatalogSegmentRegistry.writing(
                        catalog: catalog, dataDirectory: dir.path + "/node", shared: bucket),
                    storage: bucket)
                _ = try await store.append(project: Self.project, events: Self.events(0..<5))
                let flushError = try #require(await upliftError { try await store.flush() })
                #expect(flushError.code == .storageUnavailable && flushError.message.contains("cannot be reached"))
                #expect(await store.snapshot(project: Self.project).pending.count == 5)
                let refused = try #require(
                    await upliftError { _ = try await store.append(project: Self.project, events: Self.events(5..<6)) })
                #expect(refused.code == .storageUnavailable && refused.message.contains("--max-wal-size"))
                #expect(await store.status().logFull)
                let probe = await store.probeStorage()
                #expect(probe.shared && probe.problem?.code == .storageUnavailable)
            }
            await bucket.client.shutdown()
        }
    }
}

extension SharedStorageStoreTests {
    /// An object no manifest row names (a node uploaded it and died before recording it) is deleted once
    /// its name is older than the age given; a younger one may be a flush in progress and stays, and so does
    /// every recorded segment.
    @Test func orphanObjectsAreSweptOnceOldEnough() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            let store = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            _ = try await store.append(project: Self.project, events: Self.events(0..<5))
            try await store.flush()
            let partition = "events/project=app/date=2026-03-02/"
            let twoHoursAgo = UInt64(Timestamp.now() - 7_200_000_000)
            let old = partition + "f-" + String(twoHoursAgo, radix: 16) + "-dead-node-0badf00d.parquet"
            let young = partition + "f-" + String(UInt64(Timestamp.now()), radix: 16) + "-busy-node-0badf00d.parquet"
            for key in [old, young] { try await bucket.client.put(bucket.objectKey(key), [1, 2, 3]) }
            let recorded = try await CatalogSegmentRegistry(catalog: catalog, storage: bucket.name).keys()

            #expect(try await store.sweepOrphans(olderThan: .seconds(3600)) == 1)
            #expect(try await Self.objectKeys(bucket) == Set((recorded + [young]).map(bucket.objectKey)))
            try await store.close()
        }
    }
}

extension SharedStorageStoreTests {
    /// The segment files under a directory and their sizes.
    static func cachedFiles(_ directory: String) -> [String: Int64] {
        var files: [String: Int64] = [:]
        let root = URL(fileURLWithPath: directory)
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init()
        where url.pathExtension == "parquet" && !url.lastPathComponent.hasPrefix(".") {
            files[url.path] = DurableFile.fileSize(url.path)
        }
        return files
    }

    /// A node with `--cache-dir` and `--cache-size`: a query keeps every segment it reads until it ends, even past
    /// the budget; then the least recently used copies go until the cache fits, and the next query downloads what
    /// it lacks again. A restarted node takes in the copies it left. The log stays in the data directory.
    @Test func theCacheKeepsWhatAQueryReadsThenFitsItsBudget() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            let a = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            for chunk in 0..<4 {
                _ = try await a.append(project: Self.project, events: Self.events(chunk * 20..<chunk * 20 + 20))
                try await a.flush()
            }
            try await a.close()
            let live = try await CatalogSegmentRegistry(catalog: catalog, storage: bucket.name).live()
            #expect(live.count == 4)
            // Room for one segment and a bit, not for two.
            let budget = try #require(live.map(\.bytes).max()) + 10

            let cacheDirectory = directories[1] + "-cache"
            func node() async throws -> (EventStore, ObjectSegmentStorage) {
                let limited = ObjectSegmentStorage(client: bucket.client, cacheBytes: budget)
                var configuration = StoreConfiguration(dataDirectory: directories[1])
                configuration.node = "b"
                configuration.manifestRefresh = .zero
                configuration.cacheDirectory = cacheDirectory
                let store = try await EventStore.open(
                    configuration,
                    registry: try CatalogSegmentRegistry.writing(
                        catalog: catalog, dataDirectory: directories[1], shared: limited),
                    storage: limited)
                return (store, limited)
            }
            let (b, storage) = try await node()
            let all = Self.events(0..<80).map(\.eventID).sorted()

            var snapshot: Snapshot? = try await b.completeSnapshot(project: Self.project)
            let paths = try #require(snapshot?.segments)
            #expect(paths.allSatisfy { $0.hasPrefix(cacheDirectory + "/events/") })
            #expect(paths.allSatisfy { DurableFile.fileSize($0) != nil }, "a query's segments stay while it reads")
            #expect(storage.cache.bytes == live.map(\.bytes).reduce(0, +))
            #expect(try Self.ids(try #require(snapshot)) == all)
            snapshot = nil

            var cached = Self.cachedFiles(cacheDirectory)
            #expect(cached.count == 1 && cached.values.reduce(0, +) <= budget, "\(cached)")
            #expect(storage.cache.bytes == cached.values.reduce(0, +))
            #expect(Self.cachedFiles(directories[1]).isEmpty, "the data directory keeps only the log")

            // Evicted copies come back for the next query, which sees every event again.
            #expect(try Self.ids(try await b.completeSnapshot(project: Self.project)) == all)
            #expect(Self.cachedFiles(cacheDirectory).values.reduce(0, +) <= budget)
            let total = live.map(\.bytes).reduce(0, +)
            let status = try #require(await b.status().cache)
            #expect(status.budget == budget && status.bytes <= budget)
            #expect(status.downloadedBytes == 2 * total - cached.values.reduce(0, +))
            #expect(status.evictedBytes == status.downloadedBytes - status.bytes)

            // This node's own flush is a copy too once uploaded: the cache still fits.
            _ = try await b.append(project: Self.project, events: Self.events(80..<90))
            try await b.flush()
            #expect(Self.cachedFiles(cacheDirectory).values.reduce(0, +) <= budget)
            try await b.close()

            // A restart takes in what is there; compaction reads past the budget while it runs.
            cached = Self.cachedFiles(cacheDirectory)
            let (restarted, again) = try await node()
            #expect(again.cache.bytes == cached.values.reduce(0, +))
            try await restarted.compact(project: Self.project, force: true)
            #expect(Self.cachedFiles(cacheDirectory).values.reduce(0, +) <= budget)
            #expect(
                try Self.ids(try await restarted.completeSnapshot(project: Self.project))
                    == Self.events(0..<90).map(\.eventID).sorted())
            try await restarted.close()
        }
    }

    /// A local store's directory given as a node's `--cache-dir` is refused, and its segments stay (opening a
    /// store deletes the files of its cache that no manifest row names).
    @Test func aLocalStoreIsNeverTakenForACache() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            try await Self.localStore(directories[0], catalog: catalog)
            let segments = Self.cachedFiles(directories[0])
            #expect(segments.count == 1)

            var configuration = StoreConfiguration(dataDirectory: directories[1])
            configuration.cacheDirectory = directories[0]
            let refused = try #require(
                await upliftError {
                    _ = try await EventStore.open(
                        configuration,
                        registry: try CatalogSegmentRegistry.writing(
                            catalog: catalog, dataDirectory: directories[1], shared: bucket),
                        storage: bucket)
                })
            #expect(refused.code == .invalidInput && refused.message.contains("--cache-dir"), "\(refused.message)")
            #expect(Self.cachedFiles(directories[0]) == segments)
        }
    }

    /// `--cache-dir` is for a bucket's copies: with the data directory as the storage it is refused.
    @Test func aCacheDirectoryWithoutABucketIsRefused() async throws {
        try await withTemporaryDirectory(prefix: "uplift-cache") { dir in
            var configuration = StoreConfiguration(dataDirectory: dir.path + "/data")
            configuration.cacheDirectory = dir.path + "/cache"
            let error = try #require(await upliftError { _ = try await EventStore.open(configuration) })
            #expect(error.code == .invalidInput && error.message.contains("--cache-dir"))
        }
    }
}

extension SharedStorageStoreTests {
    /// A question downloads the days it reads, not its project's every segment: the engine names the
    /// segments it lacks, the server downloads them and asks again.
    @Test func aQuestionDownloadsOnlyTheDaysItReads() async throws {
        try await Self.withNodes { directories, catalog, bucket in
            _ = try await catalog.createProject(Self.project)
            let readKey = try await catalog.createKey(project: Self.project, kind: .read).token
            let a = try await Self.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            // Day d holds events 20d..<20d+20; "viewed" is every one whose number is not a multiple of 3.
            @Sendable func events(_ range: Range<Int>, day d: Int) -> [Event] {
                Self.events(range).map { event in
                    var moved = event
                    moved.timestamp += Int64(d) * 86_400_000_000
                    return moved
                }
            }
            for d in 0..<4 {
                _ = try await a.append(project: Self.project, events: events(d * 20..<d * 20 + 20, day: d))
                try await a.flush()
            }
            try await a.close()
            @Sendable func viewed(_ range: Range<Int>) -> Double { Double(range.filter { $0 % 3 != 0 }.count) }

            let b = try await Self.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            // Pending on b: five events a stored too (an SDK's retry), five new ones, all of day 1. Until day 1
            // is downloaded b cannot tell the repeats; a question over it reads them once.
            _ = try await b.append(project: Self.project, events: events(20..<25, day: 1) + events(80..<85, day: 1))
            var logger = Logger(label: "uplift.server.test")
            logger.logLevel = .critical
            let app = UpliftApplication.build(
                configuration: ServerConfiguration(), store: b, catalog: catalog, metrics: ServerMetrics(),
                logger: logger)
            try await app.test(.router) { client in
                func total(from: String, to: String) async throws -> Double? {
                    let body = #"{"event":"viewed","measure":"events","from":"\#(from)","to":"\#(to)"}"#
                    let response = try await client.post("/v1/query/trend", json: body, key: .bearer(readKey))
                    #expect(response.status == .ok, "\(response.text)")
                    let document = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                    return (document as? [String: Any])?["total"] as? Double
                }
                func cachedDays() -> Set<String> {
                    Set(Self.cachedFiles(directories[1]).keys.compactMap { Snapshot.day(ofSegment: $0)?.description })
                }
                let oneDay = try await total(from: "2026-03-03", to: "2026-03-03")
                #expect(oneDay == viewed(20..<40) + viewed(80..<85))
                #expect(cachedDays() == ["2026-03-03"])
                let twoDays = try await total(from: "2026-03-03", to: "2026-03-04")
                #expect(twoDays == viewed(20..<60) + viewed(80..<85))
                #expect(cachedDays() == ["2026-03-03", "2026-03-04"])
                let all = try await total(from: "2026-03-01", to: "2026-03-10")
                #expect(all == viewed(0..<85))
                #expect(cachedDays().count == 4)
            }
        }
    }
}
