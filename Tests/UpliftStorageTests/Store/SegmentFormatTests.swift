import Foundation
import TestSupport
import Testing
import UpliftModel
import UpliftParquet

@testable import UpliftStorage

/// Format 2 stores lower-case UUID ids in 16 bytes and send times as offsets from the event time;
/// every reader gets back exactly what was ingested, from format-1 and format-2 segments alike.
struct SegmentFormatTests {
    let day = UTCDay(daysSinceEpoch: 20_513)  // 2026-03-01, the fixture's day

    /// Ids of every shape ingestion lets through: what must be stored as 16 bytes, and what stays text.
    static let ids: [(id: String, isUUID: Bool)] = [
        ("0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6a", true),
        ("00000000-0000-0000-0000-000000000000", true),
        ("ffffffff-ffff-ffff-ffff-ffffffffffff", true),
        ("01890a5d-ac96-774b-bcce-b302099a8057", true),  // v7, as PostHog sends
        ("7C9E6679-7425-40DE-944B-E07FC1F90AE7", false),  // upper case (iOS): text, to read back as sent
        ("7c9e6679-7425-40de-944B-e07fc1f90ae7", false),  // mixed case
        ("{0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6a}", false),
        ("0b9e3c4a7f1d4c2e9a553e1f2d4c5b6a", false),  // no dashes
        ("0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6g", false),  // not hex
        ("0b9e3c4a-7f1d-4c2e-9a55_3e1f2d4c5b6a", false),
        ("0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6a ", false),
        ("h-bd3fccc3dd3b1be83df49a7b82a051ad", false),  // Uplift's hash of a message without an id
        ("ajs-next-1771234567-abc", false),
        ("", false),
        ("é-🎉", false),
    ]

    func events(seed: UInt64, count: Int, specialIDs: Bool = true) -> [Event] {
        var rng = SeededRandom(seed: seed)
        let base = day.startMicroseconds
        return (0..<count).map { i in
            let ts = base + Int64(rng.next() % 86_400_000_000)
            let id: String
            if specialIDs && i < Self.ids.count {
                id = Self.ids[i].id
            } else if rng.next() % 3 == 0 {
                id = "id-\(seed)-\(i)"
            } else {
                id = UUID().uuidString.lowercased()
            }
            // Offsets of every sign and size, exact however far the times lie apart.
            let offsets: [Int64] = [0, 1, -1, 1_500_000, -3_600_000_000, 86_400_000_000 * 400, .min / 4]
            let sent = rng.next() % 4 == 0 ? nil : ts &+ offsets[Int(rng.next() % UInt64(offsets.count))]
            return Event(
                eventID: id, type: EventType.allCases[Int(rng.next() % 6)], event: "e\(rng.next() % 5)",
                distinctID: "u\(rng.next() % 9)", userID: rng.next() % 2 == 0 ? "u1" : nil, anonymousID: nil,
                timestamp: ts, sentAt: sent, receivedAt: ts &+ offsets[Int(rng.next() % UInt64(offsets.count))],
                properties: #"{"i":\#(i)}"#, context: "{}")
        }
    }

    /// The raw stored columns of a segment, by name.
    func stored(_ path: String) throws -> [String: ColumnData] {
        let file = try SegmentReader.open(path: path)
        var out: [String: ColumnData] = [:]
        for (c, field) in file.schema.fields.enumerated() { out[field.name] = try file.read(column: c) }
        return out
    }

    @Test func idsAndTimesReadBackExactlyThroughEveryReader() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.rowGroupRows = 64
            let events = events(seed: 5, count: 300)
            var table = EventTable()
            for e in events { table.append(e) }
            let bytes = try SegmentWriter.encode(
                table, rows: Array(0..<Int32(events.count))[...], configuration: config, compressionLevel: 1)
            try DurableFile.createDirectories(dir)
            let path = dir + "/f-00000000000001-00000000.parquet"
            try DurableFile.write(bytes, to: path)

            #expect(try SegmentReader.footer(path: path).metadataValue(for: SegmentWriter.formatKey) == "3")
            // The naive reader (Foundation's UUID), the columnar table compaction reads, and the dedup index.
            #expect(try SegmentReader.events(path: path) == events)
            let reread = try SegmentReader.table(paths: [path])
            let rows = try reread.rowGroup(Array(0..<Int32(events.count))[...])
            #expect(try EventSchema.events(rows) == events)
            #expect(try SegmentReader.eventIDFingerprints(paths: [path]) == events.map { Fingerprint($0.eventID) })

            // Exactly one of event_id and event_uuid per row; bytes only for lower-case canonical UUIDs.
            let columns = try stored(path)
            let text = try #require(columns["event_id"])
            let uuid = try #require(columns["event_uuid"])
            for (i, e) in events.enumerated() {
                let isUUID = EventSchema.naiveUUID(e.eventID) != nil
                if i < Self.ids.count { #expect(isUUID == Self.ids[i].isUUID, "\(e.eventID)") }
                #expect(text.isNull(i) == isUUID && uuid.isNull(i) == !isUUID, "row \(i)")
            }
            // Offsets: what other engines add to `timestamp`.
            guard case .int64(let sent) = columns["sent_at_offset"]?.values,
                case .int64(let received) = columns["received_at"]?.values
            else { throw UpliftError(.corrupt, "times are not INT64") }
            for (i, e) in events.enumerated() {
                #expect(received[i] == e.receivedAt)
                #expect(columns["sent_at_offset"]!.isNull(i) == (e.sentAt == nil))
                if let s = e.sentAt { #expect(sent[i] == s &- e.timestamp) }
            }
        }
    }

    @Test func aRowWithBothOrNeitherIdIsCorrupt() throws {
        let events = Array(events(seed: 9, count: 20))
        var both = EventSchema.columns(events[...])
        both[0] = ColumnData(values: .byteArrays(ByteArrays(events.map(\.eventID))))
        var table = EventTable()
        #expect(throws: UpliftError.self) { try table.append(rowGroup: both) }
        var neither = EventSchema.columns(events[...])
        neither[0].validity = [Bool](repeating: false, count: events.count)
        neither[11].validity = [Bool](repeating: false, count: events.count)
        #expect(throws: UpliftError.self) { try table.append(rowGroup: neither) }
        #expect(table.count == 0)
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/format1-segment.parquet").path

    /// What the fixture holds: written by the format-1 build from Fixtures/format1-segment.ndjson
    /// (`uplift import`, which compacted it), sorted by distinct id and time.
    static let fixtureIDs = [
        "7C9E6679-7425-40DE-944B-E07FC1F90AE7", "ajs-next-1771234567-abc", "0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6a",
        "h-bd3fccc3dd3b1be83df49a7b82a051ad", "{0b9e3c4a-7f1d-4c2e-9a55-3e1f2d4c5b6a}",
        "01890a5d-ac96-774b-bcce-b302099a8057",
    ]

    @Test func aFormat1SegmentReadsAsBefore() throws {
        let (file, format, _) = try SegmentReader.openWithFormat(path: Self.fixture)
        #expect(format == .version1)
        #expect(file.schema.fields.map(\.name) == SegmentFormat.version1.schema.fields.map(\.name))
        let events = try SegmentReader.events(path: Self.fixture)
        #expect(events.map(\.eventID) == Self.fixtureIDs)
        // 2026-03-01T10:05:00.100Z sent, received 10:05:00.300Z; the 10:06 click was sent without sentAt.
        #expect(events[0].sentAt == 1_772_359_500_100_000 && events[0].receivedAt == 1_772_359_500_300_000)
        #expect(events[1].sentAt == nil && events[1].receivedAt == 1_772_359_569_000_000)
        let table = try SegmentReader.table(paths: [Self.fixture])
        #expect(try EventSchema.events(try table.rowGroup(Array(0..<Int32(table.count))[...])) == events)
        #expect(try SegmentReader.eventIDFingerprints(paths: [Self.fixture]) == Self.fixtureIDs.map { Fingerprint($0) })
    }

    /// A day holding a format-1 segment and flushes of the current format compacts into format 3 with
    /// every event, and a resend of a fixture event is a duplicate.
    @Test func compactingMixedFormatsWritesFormat3() async throws {
        try await withDataDirectory { dir in
            let project = try ProjectSlug("fix")
            let layout = SegmentLayout(root: dir)
            let directory = layout.partitionDirectory(project, day)
            try DurableFile.createDirectories(directory)
            try DurableFile.write(
                try DurableFile.readAll(Self.fixture), to: directory + "/f-00000000000000-00000000.parquet")
            let old = try SegmentReader.events(path: Self.fixture)
            let fresh = events(seed: 3, count: 150, specialIDs: false)
            // Statistics add up both formats' columns, by name.
            let before = try ProjectStats.read(dataDirectory: dir, project: project)
            #expect(before.events == old.count)
            #expect(Set(before.columns.map(\.name)).isSuperset(of: ["sent_at", "sent_at_offset", "event_uuid"]))

            let store = try await EventStore.open(smallConfiguration(dir))
            // Resends of the format-1 segment's events are duplicates: its ids reach the dedup index exactly.
            let result = try await store.append(project: project, events: fresh + old)
            #expect(result.duplicates == old.count)
            let report = try await store.compact(project: project, force: true)
            #expect(report.partitions == 1)
            let snapshot = await store.snapshot(project: project)
            try await store.close()
            #expect(!snapshot.segments.isEmpty)
            for path in snapshot.segments {
                #expect(try SegmentReader.footer(path: path).metadataValue(for: SegmentWriter.formatKey) == "3")
            }
            let stored = try snapshot.allEvents()
            #expect(sortedByID(stored) == sortedByID(old + fresh))
            let stats = try ProjectStats.read(dataDirectory: dir, project: project)
            #expect(stats.events == stored.count)
            #expect(stats.columns.map(\.name) == EventSchema.schema.fields.map(\.name))
        }
    }
}
