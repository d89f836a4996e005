import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// A person's events, found in segments and in the log, against a naive filter of everything stored.
struct PersonEventsTests {
    let project = try! ProjectSlug("shop")

    @Test func everyRowNamingOneOfTheIdsIsFoundOnceWhereverItIs() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.flushEvents = 100_000
            let store = try await EventStore.open(config)
            let events = sampleEvents(count: 1_500, seed: 11, days: 4)
            _ = try await store.append(project: project, events: Array(events.prefix(1_000)))
            try await store.flush()
            try await store.compact(project: project, force: true)
            _ = try await store.append(project: project, events: Array(events.suffix(500)))
            let snapshot = await store.snapshot(project: project)
            #expect(!snapshot.pending.isEmpty && !snapshot.segments.isEmpty)
            for ids: Set<String> in [["user-3"], ["anon-3", "user-3"], ["anon-7", "user-11", "user-12"], ["nobody"]] {
                let found = try PersonEvents.events(of: ids, in: snapshot)
                let naive = events.filter { e in
                    ids.contains(e.distinctID) || e.userID.map(ids.contains) == true
                        || e.anonymousID.map(ids.contains) == true
                }
                #expect(sortedByID(found) == sortedByID(naive), "\(ids)")
                #expect(found.map(\.timestamp) == found.map(\.timestamp).sorted())
            }
            try await store.close()
        }
    }
}
