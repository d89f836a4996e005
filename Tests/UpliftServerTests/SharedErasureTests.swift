import Foundation
import Synchronization
import TestSupport
import Testing
import UpliftCatalog
import UpliftModel
import UpliftObjectStore
import UpliftServer
import UpliftStorage

/// An erasure run on one node reaches what the other nodes hold: their events of the person in memory leave
/// their answers at their next question and their log at the next flush, and a flush that read the erasure log
/// before the erasure began is refused and written again without the person (moto's S3 server, two stores).
@Suite(
    .enabled(
        if: !(ProcessInfo.processInfo.environment["UPLIFT_TEST_S3_ENDPOINT"] ?? "").isEmpty,
        "needs UPLIFT_TEST_S3_ENDPOINT (make test starts moto's S3 server)"))
struct SharedErasureTests {
    typealias Shared = SharedStorageStoreTests
    static let project = Shared.project

    /// Events of one id (`victim-…` ids are the person's), received at `receivedAt`.
    static func events(_ prefix: String, _ count: Int, id: String, receivedAt: Int64) -> [Event] {
        (0..<count).map { i in
            Event(
                eventID: "\(prefix)-\(i)", type: .track, event: "viewed", distinctID: id,
                timestamp: Shared.day.startMicroseconds + Int64(i) * 1_000_000, receivedAt: receivedAt)
        }
    }

    static func personEvents(_ snapshot: Snapshot) throws -> [String] {
        try snapshot.allEvents().filter { $0.distinctID.hasPrefix("victim") }.map(\.eventID).sorted()
    }

    /// Every byte under `directory` (log files, cached segments as stored) that names the person.
    static func filesNamingThePerson(_ directory: String) -> [String] {
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        return files.filter { name in
            let data = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            return name.hasPrefix("wal/") && data.range(of: Data("victim".utf8)) != nil
        }
    }

    @Test func anErasureOnOneNodeReachesWhatAnotherHoldsInMemoryAndLog() async throws {
        try await Shared.withNodes { directories, catalog, bucket in
            _ = try await catalog.createProject(Self.project)
            try await catalog.link(project: Self.project, [PersonLink("victim", "victim-anon")])
            let a = try await Shared.open(directories[0], node: "a", catalog: catalog, bucket: bucket)
            let b = try await Shared.open(directories[1], node: "b", catalog: catalog, bucket: bucket)
            let before = Timestamp.now()
            _ = try await a.append(
                project: Self.project,
                events: Shared.events(0..<20) + Self.events("a-victim", 4, id: "victim", receivedAt: before))
            try await a.flush()
            // Node b took some of the person's events (under the anonymous id) and has not flushed them.
            _ = try await b.append(
                project: Self.project,
                events: Shared.events(20..<30) + Self.events("b-victim", 3, id: "victim-anon", receivedAt: before))
            #expect(try Self.personEvents(try await b.completeSnapshot(project: Self.project)).count == 7)

            let done = try await PersonErasure.run(
                project: Self.project, ids: ["victim"], requestedBy: "cli", catalog: catalog, store: a,
                dataDirectory: directories[0], contextTTL: .zero)
            #expect(done.map(\.removed) == [4])
            #expect(try Self.personEvents(try await a.completeSnapshot(project: Self.project)).isEmpty)

            // What a question on b does first (the count comes with its project's context).
            let counts = try await catalog.erasureCounts(project: Self.project)
            #expect(counts == (1, 1))
            try await b.forgetErased(
                project: Self.project, begun: counts.begun, completed: counts.completed, erasing: [])
            let onB = try await b.completeSnapshot(project: Self.project)
            #expect(try Self.personEvents(onB).isEmpty)
            #expect(try onB.allEvents().count == 30)
            #expect(!Self.filesNamingThePerson(directories[1]).isEmpty)  // the log, until the flusher runs

            // An event of an erased id received afterwards starts a new person: kept, and so is an erased
            // event's id sent again.
            let after = Timestamp.now() + 1
            _ = try await b.append(
                project: Self.project,
                events: Self.events("b-victim-late", 1, id: "victim-anon", receivedAt: after)
                    + Self.events("b-victim", 1, id: "victim-anon", receivedAt: after))
            try await b.flush()
            #expect(
                try Self.personEvents(try await a.completeSnapshot(project: Self.project)) == [
                    "b-victim-0", "b-victim-late-0",
                ])
            try await b.close()
            #expect(Self.filesNamingThePerson(directories[1]).isEmpty)
            try await a.close()
        }
    }

    @Test func aFlushThatReadTheErasureLogBeforeAnErasureBeganIsWrittenAgainWithoutThePerson() async throws {
        try await Shared.withNodes { directories, catalog, bucket in
            _ = try await catalog.createProject(Self.project)
            var configuration = StoreConfiguration(dataDirectory: directories[1])
            configuration.node = "b"
            configuration.manifestRefresh = .zero
            let registry = StaleErasureCounts(
                try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: directories[1], shared: bucket))
            let b = try await EventStore.open(configuration, registry: registry, storage: bucket)
            let before = Timestamp.now()
            _ = try await b.append(
                project: Self.project,
                events: Shared.events(0..<10) + Self.events("b-victim", 3, id: "victim", receivedAt: before))
            // The erasure begins after b's flush read the erasure log (the stale count stands for that read).
            _ = try await catalog.beginErasure(project: Self.project, ids: ["victim"], requestedBy: "cli")
            registry.staleReads.withLock { $0 = 1 }
            try await b.flush()

            #expect(registry.refusedAdds.withLock { $0 } == 1)
            let live = try await registry.live()
            #expect(live.map(\.rows) == [10])
            // The refused flush's objects went with it: the bucket holds exactly the live segment.
            #expect(try await Shared.objectKeys(bucket) == Set(live.map { bucket.objectKey($0.key) }))
            #expect(try Self.personEvents(try await b.completeSnapshot(project: Self.project)).isEmpty)
            try await b.close()
            #expect(Self.filesNamingThePerson(directories[1]).isEmpty)
        }
    }
}

/// A registry whose first `staleReads` erasure counts are those of before any erasure (a flush that read them
/// just before one began), counting the flushes it then refuses.
final class StaleErasureCounts: SegmentRegistry {
    let base: CatalogSegmentRegistry
    let staleReads = Mutex(0)
    let refusedAdds = Mutex(0)

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
        let added = try await base.add(records, erasuresBegun: erasuresBegun)
        if !added { refusedAdds.withLock { $0 += 1 } }
        return added
    }
    func erasuresBegun(projects: Set<ProjectSlug>) async throws(UpliftError) -> [ProjectSlug: Int] {
        let stale = staleReads.withLock { reads in
            defer { reads = max(0, reads - 1) }
            return reads > 0
        }
        return stale ? [:] : try await base.erasuresBegun(projects: projects)
    }
    func erasedPersons(project: ProjectSlug) async throws(UpliftError) -> ErasedPersons {
        try await base.erasedPersons(project: project)
    }
    func replace(_ sources: [String], with outputs: [SegmentRecord]) async throws(UpliftError) -> Bool {
        try await base.replace(sources, with: outputs)
    }
    func replaced(olderThan age: Duration) async throws(UpliftError) -> [SegmentRecord] {
        try await base.replaced(olderThan: age)
    }
    func forget(_ keys: [String]) async throws(UpliftError) { try await base.forget(keys) }
    func lease(
        project: ProjectSlug, day: UTCDay, holder: String, for duration: Duration
    ) async throws(UpliftError) -> Bool {
        try await base.lease(project: project, day: day, holder: holder, for: duration)
    }
    func release(project: ProjectSlug, day: UTCDay, holder: String) async throws(UpliftError) {
        try await base.release(project: project, day: day, holder: holder)
    }
}
