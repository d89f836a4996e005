import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

/// Segments list the top-level keys of their events' properties and context in the footer; flush and
/// compaction both write them, and a segment without them is read for them.
struct SegmentKeysTests {
    let project = try! ProjectSlug("keys")
    let day = UTCDay(daysSinceEpoch: 20_454)

    func events(_ properties: [String], context: String = "{}") -> [Event] {
        let t = day.daysSinceEpoch * UTCDay.microsecondsPerDay
        return properties.enumerated().map { i, p in
            Event(
                eventID: "k-\(i)-\(UUID().uuidString)", type: .track, event: "e", distinctID: "u\(i % 3)",
                timestamp: t + Int64(i), receivedAt: t + Int64(i), properties: p, context: context)
        }
    }

    @Test func flushListsTheKeysInTheFooter() async throws {
        try await withDataDirectory { dir in
            let written = try await SegmentWriter.writePartitions(
                of: [
                    .init(id: 1, project: project, events: events([#"{"plan":"pro","n":1}"#, "{}"])),
                    .init(id: 2, project: project, events: events([#"{"b\u00e9":{"x":1}}"#], context: #"{"ip":"x"}"#)),
                ],
                layout: SegmentLayout(root: dir), configuration: smallConfiguration(dir))
            let segment = try EventSegment(path: try #require(written.first?.path))
            // Sorted, nested keys left out, escapes decoded.
            #expect(segment.metadataValue(for: SegmentKeys.propertyKeysKey) == #"["bé","n","plan"]"#)
            #expect(segment.metadataValue(for: SegmentKeys.contextKeysKey) == #"["ip"]"#)
            #expect(segment.metadataValue(for: SegmentKeys.propertyKeysTruncatedKey) == nil)
            #expect(
                segment.listedKeys
                    == SegmentKeys(properties: .init(keys: ["bé", "n", "plan"]), context: .init(keys: ["ip"])))
        }
    }

    @Test func compactionListsTheKeysOfItsRows() async throws {
        try await withDataDirectory { dir in
            let config = smallConfiguration(dir)
            let layout = SegmentLayout(root: dir)
            let directory = layout.partitionDirectory(project, day)
            try DurableFile.createDirectories(directory)
            var sources: [String] = []
            for (k, p) in [#"{"plan":"pro"}"#, #"{"seats":3}"#].enumerated() {
                var table = EventTable()
                for e in events([p, "{}"], context: #"{"c\#(k)":true}"#) { table.append(e) }
                let path = directory + "/f-0000000000000\(k)-00000000.parquet"
                let order = table.permutation(config.sortOrder)
                try DurableFile.write(
                    try SegmentWriter.encode(table, rows: order[...], configuration: config, compressionLevel: 1),
                    to: path)
                #expect(try EventSegment(path: path).listedKeys?.properties.keys == Set([k == 0 ? "plan" : "seats"]))
                sources.append(path)
            }
            let outputs = try Compactor.compact(
                sources, project: project, day: day, layout: layout, configuration: config
            ).map(\.path)
            let output = try EventSegment(path: try #require(outputs.first))
            #expect(outputs.count == 1)
            #expect(output.metadataValue(for: SegmentWriter.replacesKey) != nil)
            #expect(
                output.listedKeys
                    == SegmentKeys(properties: .init(keys: ["plan", "seats"]), context: .init(keys: ["c0", "c1"])))
        }
    }

    @Test func aSegmentWithoutListsIsReadForItsKeys() async throws {
        try await withDataDirectory { dir in
            try DurableFile.createDirectories(dir)
            let path = dir + "/legacy.parquet"
            // The test support's encoder writes no key lists, as versions before them did.
            try DurableFile.write(
                try SegmentWriter.encode(
                    events([#"{"plan":"pro"}"#, #"{"n":1}"#], context: #"{"ip":"x"}"#),
                    configuration: smallConfiguration(dir), compressionLevel: 1),
                to: path)
            let segment = try EventSegment(path: path)
            #expect(segment.listedKeys == nil)
            #expect(
                try segment.keys() == SegmentKeys(properties: .init(keys: ["n", "plan"]), context: .init(keys: ["ip"])))
        }
    }

    @Test func theCollectorBoundsItsList() {
        func collect(_ texts: [String]) -> SegmentKeys.Column {
            var c = SegmentKeys.Collector()
            for var t in texts { t.withUTF8 { c.add(UnsafeRawBufferPointer($0)) } }
            return c.column
        }
        let long = String(repeating: "x", count: SegmentKeys.maxKeyBytes + 1)
        let withLong = collect([#"{"\#(long)":1,"a":2}"#, "", "{}"])
        #expect(withLong == .init(keys: ["a"]))
        // A key too long to list is never ruled out; a short one missing from a complete list is.
        #expect(!withLong.rulesOut(long + "y") && !withLong.rulesOut("a") && withLong.rulesOut("b"))
        #expect(collect(["[1,2]"]).truncated && collect(["{not json"]).truncated)
        let many = collect((0...SegmentKeys.maxKeys).map { #"{"k\#($0)":1}"# } + [#"{"k0":1}"#])
        #expect(many.truncated && many.keys.count == SegmentKeys.maxKeys && !many.rulesOut("other"))
    }

    @Test func truncatedListsRoundTripThroughTheFooterEntries() {
        let keys = SegmentKeys(properties: .init(keys: ["b", "a"], truncated: true), context: .init())
        let entries = Dictionary(uniqueKeysWithValues: keys.metadata.map { ($0.key, $0.value) })
        #expect(entries[SegmentKeys.propertyKeysKey] == #"["a","b"]"#)
        #expect(entries[SegmentKeys.propertyKeysTruncatedKey] == "true")
        #expect(entries[SegmentKeys.contextKeysKey] == "[]")
        #expect(entries[SegmentKeys.contextKeysTruncatedKey] == nil)
        #expect(SegmentKeys(metadata: { entries[$0] }) == keys)
        #expect(SegmentKeys(metadata: { $0 == SegmentKeys.propertyKeysKey ? "{}" : entries[$0] }) == nil)
    }
}
