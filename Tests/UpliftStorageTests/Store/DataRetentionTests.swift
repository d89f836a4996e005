import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// A project's retention: no snapshot holds the days it no longer keeps, and `expire` deletes them for good
/// (segments, partition directories, and the log's events of those days).
struct DataRetentionTests {
    let project = try! ProjectSlug("shop")
    static let firstDay: Int64 = 20_454
    /// Noon of the tenth day: with 3 days of retention, days 20_460 to 20_463 are kept.
    static let now = UTCDay(daysSinceEpoch: firstDay + 9).startMicroseconds + 43_200_000_000

    func configuration(_ dir: String) -> StoreConfiguration {
        var c = smallConfiguration(dir)
        c.flushEvents = 100_000
        c.now = { Self.now }
        return c
    }

    @Test func theFirstKeptDayIsTodayLessTheRetention() {
        #expect(Retention(days: 0).firstKeptDay(now: Self.now) == nil)
        #expect(Retention(days: 1).firstKeptDay(now: Self.now) == UTCDay(daysSinceEpoch: Self.firstDay + 8))
        #expect(Retention(days: 3).firstKeptDay(now: Self.now) == UTCDay(daysSinceEpoch: Self.firstDay + 6))
    }

    @Test func oldDaysLeaveEverySnapshotAndExpiringDeletesThem() async throws {
        try await withDataDirectory { dir in
            let events = sampleEvents(count: 2_000, seed: 7, startDay: Self.firstDay, days: 10)
            let kept = UTCDay(daysSinceEpoch: Self.firstDay + 6)
            let expected = sortedByID(events.filter { $0.timestamp >= kept.startMicroseconds })
            #expect(expected.count > 0 && expected.count < events.count)
            do {
                let store = try await EventStore.open(configuration(dir))
                // Half flushed into segments, half still only in the log.
                _ = try await store.append(project: project, events: Array(events.prefix(1_000)))
                try await store.flush()
                _ = try await store.append(project: project, events: Array(events.suffix(1_000)))
                #expect(try await store.snapshot(project: project).allEvents().count == events.count)

                await store.retain(project: project, days: 3)
                let snapshot = await store.snapshot(project: project)
                #expect(sortedByID(try snapshot.allEvents()) == expected)
                #expect(!snapshot.pending.isEmpty)
                // A compaction leaves the old days to expiry.
                let compacted = try await store.compact(project: project, force: true)
                #expect(compacted.partitions == 4)

                let report = try await store.expire(project: project)
                #expect(report.partitions == 6)
                #expect(sortedByID(try await store.snapshot(project: project).allEvents()) == expected)
                try await store.close()
            }
            let layout = SegmentLayout(root: dir)
            #expect(layout.days(project).map(\.daysSinceEpoch) == Array((Self.firstDay + 6)...(Self.firstDay + 9)))
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
            // Reopened with no retention at all, nothing of the deleted days comes back from the log.
            let store = try await EventStore.open(smallConfiguration(dir))
            #expect(sortedByID(try await store.snapshot(project: project).allEvents()) == expected)
            try await store.close()
        }
    }

    @Test func expiringKeepsEverythingWithoutRetention() async throws {
        try await withDataDirectory { dir in
            let events = sampleEvents(count: 300, seed: 8, startDay: Self.firstDay, days: 10)
            let store = try await EventStore.open(configuration(dir))
            _ = try await store.append(project: project, events: events)
            await store.retain(project: project, days: 0)
            #expect(try await store.expire(project: project).partitions == 0)
            #expect(sortedByID(try await store.snapshot(project: project).allEvents()) == sortedByID(events))
            try await store.close()
        }
    }
}
