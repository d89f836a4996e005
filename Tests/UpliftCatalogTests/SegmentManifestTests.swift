import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftCatalog

/// The segment manifest's rules, on both databases.
struct SegmentManifestTests {
    static func record(
        _ name: String, day: String = "2026-01-01", project: String = "app", rows: Int64 = 10
    )
        -> SegmentRecord
    {
        SegmentRecord(
            project: try! ProjectSlug(project), day: UTCDay(day)!,
            key: "events/project=\(project)/date=\(day)/\(name).parquet", node: "node-a", rows: rows, bytes: rows * 40,
            minTime: 1_000, maxTime: 2_000, checksum: "0badc0de")
    }

    @Test(arguments: Backend.enabled)
    func flushesAddAndCompactionsReplaceInOneStep(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let storage = "file:/data/a"
            let flushed = [Self.record("f-1"), Self.record("f-2"), Self.record("f-3", day: "2026-01-02")]
            try await catalog.addSegments(flushed, storage: storage, at: 1)
            try await catalog.addSegments([Self.record("f-9")], storage: "file:/data/other", at: 1)
            #expect(try await catalog.liveSegments(storage: storage) == flushed)
            #expect(
                try await catalog.liveSegments(
                    storage: storage, project: try ProjectSlug("app"), day: UTCDay("2026-01-02"))
                    == [flushed[2]])

            let compacted = Self.record("c-1", rows: 20)
            let replaced = try await catalog.replaceSegments(
                [flushed[0].key, flushed[1].key], with: [compacted], storage: storage, at: 5)
            #expect(replaced)
            #expect(try await catalog.liveSegments(storage: storage) == [compacted, flushed[2]])
            // A second compaction of the same sources (another node, late) changes nothing.
            let again = try await catalog.replaceSegments(
                [flushed[0].key, flushed[1].key], with: [Self.record("c-2", rows: 20)], storage: storage, at: 6)
            #expect(!again)
            #expect(try await catalog.liveSegments(storage: storage) == [compacted, flushed[2]])

            // Replaced rows wait for their grace period, then are forgotten.
            #expect(try await catalog.replacedSegments(storage: storage, before: 4).isEmpty)
            #expect(
                try await catalog.replacedSegments(storage: storage, before: 5).map(\.key) == [
                    flushed[0].key, flushed[1].key,
                ])
            #expect(try await catalog.segmentKeys(storage: storage).count == 4)
            try await catalog.forgetSegments([flushed[0].key, flushed[1].key, compacted.key], storage: storage)
            // Only replaced rows are forgotten: the live one stays.
            #expect(try await catalog.segmentKeys(storage: storage) == [compacted.key, flushed[2].key])
        }
    }

    @Test(arguments: Backend.enabled)
    func aStorageIsAdoptedOnce(_ backend: Backend) async throws {
        try await withCatalog(backend) { catalog, _ in
            let storage = "s3://bucket/prefix"
            let before = try await catalog.isSegmentStorageAdopted(storage)
            #expect(!before)
            let first = try await catalog.adoptSegmentStorage(storage, records: [Self.record("c-1")], at: 1)
            #expect(first)
            let after = try await catalog.isSegmentStorageAdopted(storage)
            #expect(after)
            let second = try await catalog.adoptSegmentStorage(storage, records: [Self.record("c-2")], at: 2)
            #expect(!second)
            #expect(try await catalog.liveSegments(storage: storage).map(\.key) == [Self.record("c-1").key])
        }
    }

    /// Two nodes compacting the same day at the same time: exactly one replacement wins.
    @Test(arguments: Backend.enabled)
    func concurrentReplacementsOfOneDayLetOneWin(_ backend: Backend) async throws {
        try await withPlace(backend) { place in
            let storage = "s3://bucket/p"
            let sources = (0..<4).map { Self.record("f-\($0)") }
            _ = try await place.withOpen { try await $0.addSegments(sources, storage: storage, at: 1) }
            let wins = try await place.withNodes(3) { nodes in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for (node, catalog) in nodes.enumerated() {
                        group.addTask {
                            try await catalog.replaceSegments(
                                sources.map(\.key), with: [Self.record("c-node\(node)", rows: 40)], storage: storage,
                                at: 2)
                        }
                    }
                    var wins = 0
                    for try await won in group where won { wins += 1 }
                    return wins
                }
            }
            #expect(wins == 1)
            try await place.withOpen { catalog in
                let live = try await catalog.liveSegments(storage: storage)
                #expect(live.count == 1 && live[0].key.contains("c-node"))
            }
        }
    }
}
