import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// `EventStore.erase` against a naive filter: exactly the rows naming the ids go, from segments and from the log,
/// and nothing comes back when the store is opened again.
struct ErasureStoreTests {
    let project = try! ProjectSlug("shop")

    @Test func exactlyThePersonsRowsLeaveSegmentsAndLogForGood() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.flushEvents = 100_000
            let events = sampleEvents(count: 1_500, seed: 21, days: 4)
            let ids: Set<String> = ["user-5", "anon-5", "user-17"]
            func names(_ e: Event) -> Bool {
                ids.contains(e.distinctID) || e.userID.map(ids.contains) == true
                    || e.anonymousID.map(ids.contains) == true
            }
            let kept = sortedByID(events.filter { !names($0) })
            #expect(kept.count < events.count)
            do {
                let store = try await EventStore.open(config)
                _ = try await store.append(project: project, events: Array(events.prefix(1_000)))
                try await store.flush()
                try await store.compact(project: project, force: true)
                _ = try await store.append(project: project, events: Array(events.suffix(500)))
                let removed = try await store.erase(project: project, ids: ids)
                #expect(removed == events.count - kept.count)
                #expect(sortedByID(try await store.snapshot(project: project).allEvents()) == kept)
                #expect(try await store.erase(project: project, ids: ids) == 0)
                // An erased event sent again is stored (a new person's); one still stored is a duplicate.
                let erased = try #require(events.first(where: names))
                let stored = try #require(kept.first)
                let again = try await store.append(project: project, events: [erased, stored])
                #expect(again == EventStore.AppendResult(accepted: 1, duplicates: 1))
                try await store.close()
            }
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
            let store = try await EventStore.open(config)
            let resent = try #require(events.first(where: names))
            #expect(sortedByID(try await store.snapshot(project: project).allEvents()) == sortedByID(kept + [resent]))
            try await store.close()
        }
    }

    @Test func aDayHoldingOnlyThePersonIsDeletedWhole() async throws {
        try await withDataDirectory { dir in
            let store = try await EventStore.open(smallConfiguration(dir))
            var lone = sampleEvents(count: 5, seed: 22, days: 1)
            for i in lone.indices {
                lone[i].distinctID = "only-me"
                lone[i].userID = "only-me"
                lone[i].anonymousID = nil
            }
            _ = try await store.append(project: project, events: lone)
            #expect(try await store.erase(project: project, ids: ["only-me"]) == 5)
            #expect(await store.snapshot(project: project).segments.isEmpty)
            #expect(SegmentLayout(root: dir).days(project).isEmpty)
            try await store.close()
        }
    }
}
