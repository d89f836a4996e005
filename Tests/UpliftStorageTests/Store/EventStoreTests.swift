import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

struct EventStoreTests {
    let project = try! ProjectSlug("demo")

    @Test func acknowledgedEventsAreVisibleAtOnceAndAfterReopen() async throws {
        try await withDataDirectory { dir in
            let events = sampleEvents(count: 700, seed: 1)
            var config = smallConfiguration(dir)
            config.flushEvents = 100_000
            do {
                let store = try await EventStore.open(config)
                #expect(try await store.append(project: project, events: events) == .init(accepted: 700, duplicates: 0))
                let snapshot = await store.snapshot(project: project)
                #expect(snapshot.segments.isEmpty)
                #expect(sortedByID(try snapshot.allEvents()) == sortedByID(events))
                // No close: the process "dies" with everything only in the log.
            }
            let reopened = try await EventStore.open(config)
            #expect(sortedByID(try await reopened.snapshot(project: project).allEvents()) == sortedByID(events))
            try await reopened.close()
        }
    }

    @Test func flushWritesOneSegmentPerDayAndTrimsTheLog() async throws {
        try await withDataDirectory { dir in
            let store = try await EventStore.open(smallConfiguration(dir))
            let events = sampleEvents(count: 900, seed: 2, days: 3)
            _ = try await store.append(project: project, events: events)
            try await store.flush()
            let snapshot = await store.snapshot(project: project)
            #expect(snapshot.pending.isEmpty)
            #expect(snapshot.segments.count == 3)
            #expect(sortedByID(try snapshot.allEvents()) == sortedByID(events))
            try await store.close()
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
            #expect(ProjectStats.logBytes(dataDirectory: dir) <= 64)
        }
    }

    @Test func duplicatesAreDroppedWithinABatchAcrossBatchesAndAcrossRestarts() async throws {
        try await withDataDirectory { dir in
            let events = sampleEvents(count: 300, seed: 3)
            let config = smallConfiguration(dir)
            do {
                let store = try await EventStore.open(config)
                #expect(
                    try await store.append(project: project, events: events + events.prefix(10))
                        == .init(accepted: 300, duplicates: 10))
                #expect(try await store.append(project: project, events: events) == .init(accepted: 0, duplicates: 300))
                try await store.close()
            }
            let store = try await EventStore.open(config)
            #expect(try await store.append(project: project, events: events) == .init(accepted: 0, duplicates: 300))
            // The same ids in another project are other events.
            #expect(try await store.append(project: try ProjectSlug("other"), events: events).accepted == 300)
            #expect(try await store.snapshot(project: project).allEvents().count == 300)
            try await store.close()
        }
    }

    @Test func aResendCorrectedAcrossMidnightIsStillADuplicate() async throws {
        try await withDataDirectory { dir in
            let store = try await EventStore.open(smallConfiguration(dir))
            var event = sampleEvents(count: 1, seed: 4)[0]
            event.timestamp = UTCDay(daysSinceEpoch: 20_000).startMicroseconds - 1
            _ = try await store.append(project: project, events: [event])
            event.timestamp += 2
            #expect(try await store.append(project: project, events: [event]).duplicates == 1)
            try await store.close()
        }
    }

    @Test func concurrentAppendsAreAllStoredOnce() async throws {
        try await withDataDirectory { dir in
            let store = try await EventStore.open(smallConfiguration(dir))
            let batches = (0..<40).map { sampleEvents(count: 60, seed: UInt64(100 + $0), idPrefix: "c\($0)") }
            let project = self.project
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in batches {
                    group.addTask { try await store.append(project: project, events: batch).accepted }
                }
                return try await group.reduce(0, +)
            }
            #expect(accepted == 2_400)
            try await store.close()
            let reopened = try await EventStore.open(smallConfiguration(dir))
            #expect(
                sortedByID(try await reopened.snapshot(project: project).allEvents())
                    == sortedByID(batches.flatMap { $0 }))
            try await reopened.close()
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
        }
    }

    @Test(arguments: EventSortOrder.allCases)
    func compactionMergesADayIntoOneSortedSegment(order: EventSortOrder) async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.sortOrder = order
            let store = try await EventStore.open(config)
            var all: [Event] = []
            for k in 0..<5 {
                let events = sampleEvents(count: 200, seed: UInt64(10 + k), days: 1, idPrefix: "k\(k)")
                all += events
                _ = try await store.append(project: project, events: events)
                try await store.flush()
            }
            #expect(await store.snapshot(project: project).segments.count == 5)
            let report = try await store.compact(project: project)
            #expect(report == CompactionReport(partitions: 1, segmentsRead: 5, segmentsWritten: 1))
            let snapshot = await store.snapshot(project: project)
            #expect(snapshot.segments.count == 1)
            let stored = try snapshot.allEvents()
            var expected = all
            order.sort(&expected)
            #expect(stored == expected)
            #expect(try await store.compact(project: project) == CompactionReport())
            try await store.close()
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
        }
    }

    @Test func anInterruptedCompactionIsFinishedOrUndoneOnOpen() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.segmentRows = 150
            let day = UTCDay(daysSinceEpoch: 20_454)
            let events = sampleEvents(count: 400, seed: 5, days: 1)
            let store = try await EventStore.open(config)
            _ = try await store.append(project: project, events: Array(events[0..<200]))
            try await store.flush()
            _ = try await store.append(project: project, events: Array(events[200...]))
            try await store.close()
            let layout = SegmentLayout(root: dir)
            let sources = layout.segments(project, day)
            #expect(sources.count == 2)

            // Crash after all outputs were written but before the sources were deleted: sources go.
            let outputs = try Compactor.compact(
                sources, project: project, day: day, layout: layout, configuration: config
            ).map(\.path)
            #expect(outputs.count == 3)
            let finished = try await EventStore.open(config)
            #expect(Set(layout.segments(project, day)) == Set(outputs))
            #expect(sortedByID(try await finished.snapshot(project: project).allEvents()) == sortedByID(events))
            try await finished.close()

            // Crash in the middle of writing outputs: the partial outputs go, the sources stay.
            let again = try Compactor.compact(
                outputs, project: project, day: day, layout: layout, configuration: config
            ).map(\.path)
            try FileManager.default.removeItem(atPath: again[1])
            let undone = try await EventStore.open(config)
            #expect(Set(layout.segments(project, day)) == Set(outputs))
            #expect(sortedByID(try await undone.snapshot(project: project).allEvents()) == sortedByID(events))
            try await undone.close()
        }
    }

    @Test func aSecondProcessCannotOpenTheSameDirectory() async throws {
        try await withDataDirectory { dir in
            let store = try await EventStore.open(smallConfiguration(dir))
            await #expect(throws: UpliftError.self) { _ = try await EventStore.open(smallConfiguration(dir)) }
            try await store.close()
        }
    }
}

struct FlusherTests {
    let project = try! ProjectSlug("demo")

    @Test func appendsHeldBackByAFullMemtableResumeWhenTheFlusherStops() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.flushEvents = 50
            let store = try await EventStore.open(config)
            let project = self.project
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.runFlusher() }
                // Far more than twice the threshold: appends wait on the flusher, which flushes as it goes.
                for k in 0..<20 {
                    _ = try await store.append(
                        project: project, events: sampleEvents(count: 40, seed: UInt64(k), idPrefix: "f\(k)"))
                }
                group.cancelAll()
            }
            // With the flusher gone, a full memtable is flushed by the append itself: nothing hangs.
            _ = try await store.append(project: project, events: sampleEvents(count: 120, seed: 99, idPrefix: "after"))
            let snapshot = await store.snapshot(project: project)
            #expect(try snapshot.allEvents().count == 920)
            #expect(!snapshot.segments.isEmpty)
            try await store.close()
            #expect(StoreVerifier.verify(dataDirectory: dir).isClean)
        }
    }
}
