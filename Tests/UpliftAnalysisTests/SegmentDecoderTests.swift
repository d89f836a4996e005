import Foundation
import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Decoding on every core gives the blocks that decoding each segment alone gives: whole segments
/// shared out (many segments) and row groups shared out (few segments of many row groups).
struct SegmentDecoderTests {
    /// `days` days of events in segments of 64-row row groups, distinct ids in runs (sorted segments).
    static func withSegments<T>(days: Int, _ body: (Snapshot) throws -> T) async throws -> T {
        var events: [Event] = []
        for day in 1...days {
            for i in 0..<700 {
                let id = i % 11 == 0 ? "ü-\(i % 13)" : "user-\(i % 97)"
                let time = String(format: "2026-03-%02dT%02d:%02d:00Z", day, i % 24, i % 60)
                events.append(MetricHarness.event(["a", "b", "é"][i % 3], id, time))
            }
        }
        return try await withTemporaryDirectory(prefix: "uplift-decoder") { dir in
            var configuration = StoreConfiguration(dataDirectory: dir.path)
            configuration.rowGroupRows = 64
            let store = try await EventStore.open(configuration)
            do {
                _ = try await store.append(project: try MetricHarness.project(), events: events)
                try await store.flush()
                let result = try body(await store.snapshot(project: try MetricHarness.project()))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// Each row as (event, distinct id, time) strings, whatever codes the dictionaries gave.
    static func rows(_ blocks: [EventBlock], _ dictionaries: ProjectDictionaries) -> [[String]] {
        let events = dictionaries.events.strings()
        let ids = dictionaries.distinctIDs.strings()
        return blocks.map { block in
            block.times.indices.map { i in
                "\(events[Int(block.events[i])]) \(ids[Int(block.distinctIDs[i])]) \(block.times[i])"
            }
        }
    }

    @Test(arguments: [2, 5])
    func everyCoreDecodesWhatOneDoes(days: Int) async throws {
        try await Self.withSegments(days: days) { snapshot in
            #expect(snapshot.segments.count == days)
            let alone = ProjectDictionaries()
            let one = try snapshot.segments.map { try SegmentDecoder.block(path: $0, dictionaries: alone) }
            #expect(one.allSatisfy { $0.count == 700 })
            let shared = ProjectDictionaries()
            let all = try SegmentDecoder.blocks(paths: snapshot.segments, dictionaries: shared)
            #expect(Self.rows(all, shared) == Self.rows(one, alone))
            #expect(all.map(\.minTime) == one.map(\.minTime))
            #expect(all.map(\.maxTime) == one.map(\.maxTime))
            #expect(all.map(\.postingCodes.count) == one.map(\.postingCodes.count))
            #expect(shared.distinctIDs.count == alone.distinctIDs.count)
        }
    }

    /// Decoding only the rows of some events keeps every row number (texts are read by them), hides
    /// the other rows, and interns only the distinct ids of the kept rows.
    @Test func keepingSomeEventsDecodesOnlyTheirRows() async throws {
        // Persons p0 … p49 do "kept" (and "a"), the others only "a" and "b"; over three days.
        let events = (0..<1_800).map { i in
            let person = i % 150
            let name = person < 50 && (i / 150) % 2 == 0 ? "kept" : ["a", "b"][(i / 150) % 2]
            let time = String(format: "2026-03-%02dT%02d:%02d:00Z", 1 + i % 3, i % 24, i % 60)
            return MetricHarness.event(name, "p\(person)", time)
        }
        try await MetricHarness.withSegments(events) { snapshot in
            #expect(snapshot.segments.count == 3)
            let all = ProjectDictionaries()
            let full = try SegmentDecoder.blocks(paths: snapshot.segments, dictionaries: all)
            let some = ProjectDictionaries()
            let kept = try SegmentDecoder.blocks(paths: snapshot.segments, dictionaries: some, keeping: ["kept"])
            #expect(kept.map(\.count) == full.map(\.count))
            #expect(kept.map(\.times) == full.map(\.times))
            let allEvents = all.events.strings()
            let allIDs = all.distinctIDs.strings()
            let someEvents = some.events.strings()
            let someIDs = some.distinctIDs.strings()
            var keptIDs = Set<String>()
            for (f, k) in zip(full, kept) {
                for i in 0..<f.count {
                    if allEvents[Int(f.events[i])] == "kept" {
                        #expect(someEvents[Int(k.events[i])] == "kept")
                        #expect(someIDs[Int(k.distinctIDs[i])] == allIDs[Int(f.distinctIDs[i])])
                        keptIDs.insert(allIDs[Int(f.distinctIDs[i])])
                    } else {
                        #expect(k.events[i] == EventBlock.hiddenCode)
                    }
                }
                #expect(k.postingCodes.map { someEvents[Int($0)] } == ["kept"])
            }
            // Every event name is known (for the warnings); only the kept rows' ids were interned.
            #expect(Set(someEvents) == Set(allEvents))
            #expect(Set(someIDs) == keptIDs)
            #expect(keptIDs.count == 50)
            #expect(allIDs.count == 150)
        }
    }
}
