import Foundation
import TestSupport
import Testing
import UpliftModel
import UpliftParquet

@testable import UpliftStorage

/// Columnar compaction and flush against the naive path (decode every row into an `Event`, sort
/// `[Event]` with `EventSortOrder.sort`): same events, same order, for random input.
struct ColumnarCompactionTests {
    let project = try! ProjectSlug("model")
    let day = UTCDay(daysSinceEpoch: 20_454)

    /// Strings chosen to collide: shared prefixes, canonically equivalent but byte-different forms
    /// (`é` vs `e` + combining acute, which Swift's `<`/`==` treat as equal), emoji, empty.
    static let pool = [
        "", "a", "ab", "abc", "b", "é", "e\u{301}", "ü", "u\u{308}", "🎉", "日本", "Z", "a\u{0}b", "user-1", "user-10",
        "user-2",
    ]

    func randomEvents(count: Int, seed: UInt64) -> [Event] {
        var rng = SeededRandom(seed: seed)
        func pick() -> String { Self.pool[Int(rng.next() % UInt64(Self.pool.count))] }
        func maybe() -> String? { rng.next() % 3 == 0 ? nil : pick() }
        let base = day.daysSinceEpoch * UTCDay.microsecondsPerDay
        return (0..<count).map { i in
            let ts = base + Int64(rng.next() % 4)  // few distinct times: many ties on person and time
            return Event(
                eventID: rng.next() % 4 == 0 ? pick() : "id-\(rng.next() % 50)",
                type: EventType.allCases[Int(rng.next() % 6)],
                event: pick(), distinctID: pick(), userID: maybe(), anonymousID: maybe(),
                timestamp: ts, sentAt: rng.next() % 2 == 0 ? ts + 7 : nil, receivedAt: ts + Int64(rng.next() % 3),
                properties: #"{"serial":\#(i),"seed":\#(seed)}"#, context: maybe() ?? "{}")
        }
    }

    /// Equality that Swift's canonical-equivalence `==` on String would miss: compare the UTF-8.
    func bytes(_ events: [Event]) -> [[[UInt8]?]] {
        events.map { e in
            [
                Array(e.eventID.utf8), Array(e.type.rawValue.utf8), Array(e.event.utf8), Array(e.distinctID.utf8),
                e.userID.map { Array($0.utf8) }, e.anonymousID.map { Array($0.utf8) },
                Array("\(e.timestamp) \(String(describing: e.sentAt)) \(e.receivedAt)".utf8),
                Array(e.properties.utf8), Array(e.context.utf8),
            ]
        }
    }

    @Test(arguments: EventSortOrder.allCases)
    func permutationMatchesTheEventSort(order: EventSortOrder) {
        for seed: UInt64 in 1...20 {
            let events = randomEvents(count: 1 + Int(seed) * 37, seed: seed)
            var table = EventTable()
            for e in events { table.append(e) }
            let permuted = table.permutation(order).map { events[Int($0)] }
            var expected = events
            order.sort(&expected)
            #expect(bytes(permuted) == bytes(expected), "seed \(seed)")
        }
    }

    @Test(arguments: EventSortOrder.allCases)
    func compactionMatchesTheNaivePath(order: EventSortOrder) async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.sortOrder = order
            config.rowGroupRows = 64
            config.segmentRows = 300
            let layout = SegmentLayout(root: dir)
            let directory = layout.partitionDirectory(project, day)
            try DurableFile.createDirectories(directory)
            var sources: [String] = []
            for k in 0..<4 {
                // Unsorted sources too: compaction must not rely on its inputs' order.
                let events = randomEvents(count: 150 + 40 * k, seed: 100 + UInt64(k))
                let path = directory + "/f-0000000000000\(k)-00000000.parquet"
                try DurableFile.write(
                    try SegmentWriter.encode(events, configuration: config, compressionLevel: 1), to: path)
                sources.append(path)
            }
            var expected: [Event] = []
            for path in sources { expected += try SegmentReader.events(path: path) }
            order.sort(&expected)

            let outputs = try Compactor.compact(
                sources, project: project, day: day, layout: layout, configuration: config
            ).map(\.path)
            #expect(outputs.count == (expected.count + 299) / 300)
            var stored: [Event] = []
            for path in outputs { stored += try SegmentReader.events(path: path) }
            #expect(stored.count == expected.count)
            #expect(bytes(stored) == bytes(expected))
            #expect(stored == expected)
        }
    }

    @Test(arguments: EventSortOrder.allCases)
    func flushWritesEachDayInTheSortOrder(order: EventSortOrder) async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.sortOrder = order
            let layout = SegmentLayout(root: dir)
            let first = randomEvents(count: 300, seed: 7)
            let second = randomEvents(count: 200, seed: 8)
            let written = try await SegmentWriter.writePartitions(
                of: [.init(id: 1, project: project, events: first), .init(id: 2, project: project, events: second)],
                layout: layout, configuration: config)
            #expect(written.count == 1)
            let path = try #require(written.first?.path)
            var expected = first + second
            order.sort(&expected)
            #expect(bytes(try SegmentReader.events(path: path)) == bytes(expected))
        }
    }

    @Test func aSegmentWithAnUnknownEventTypeIsRefused() throws {
        var table = EventTable()
        var columns = EventSchema.columns(randomEvents(count: 5, seed: 3)[...])
        columns[1] = .init(values: .byteArrays(.init(["track", "track", "nope", "page", "page"])))
        #expect(throws: UpliftError.self) { try table.append(rowGroup: columns) }
        columns.removeLast()
        #expect(throws: UpliftError.self) { try table.append(rowGroup: columns) }
    }
}
