import TestSupport
import Testing
import UpliftModel
import UpliftParquet

@testable import UpliftStorage

/// The one description of the stored record (`EventColumn.all`) against the formats it must keep:
/// segment format versions 1 and 2 and log record version 1, written out by hand here.
struct EventColumnTests {
    /// Format 2, what `EventColumn.all` writes now. The columns format 1 had keep their positions.
    @Test func theTableIsSegmentFormatVersion2() {
        let version2 = [
            ParquetField(name: "event_id", type: .string, optional: true),
            ParquetField(name: "type", type: .string, dictionary: true),
            ParquetField(name: "event", type: .string, dictionary: true),
            ParquetField(name: "distinct_id", type: .string, dictionary: true),
            ParquetField(name: "user_id", type: .string, optional: true, dictionary: true),
            ParquetField(name: "anonymous_id", type: .string, optional: true, dictionary: true),
            ParquetField(name: "timestamp", type: .timestampMicros, encoding: .deltaBinaryPacked),
            ParquetField(name: "sent_at_offset", type: .int64, optional: true, encoding: .deltaBinaryPacked),
            ParquetField(name: "received_at", type: .timestampMicros, dictionary: true),
            ParquetField(name: "properties", type: .string, dictionary: true),  // format 3 asks for a dictionary
            ParquetField(name: "context", type: .string, dictionary: true),
            ParquetField(name: "event_uuid", type: .fixed16, optional: true),
        ]
        #expect(EventSchema.schema.fields == version2)
        #expect(SegmentFormat.version2.schema == EventSchema.schema)
        // Format 3 is format 2's columns, then the segment's typed property columns.
        #expect(SegmentFormat.version3.schema == EventSchema.schema)
        #expect(EventSchema.formatVersion == "3")
        for (old, new) in zip(SegmentFormat.version1.schema.fields, version2) where old.name == new.name {
            #expect(old.type == new.type, "\(old.name) keeps its type")
        }
    }

    @Test func theTableIsSegmentFormatVersion1() {
        let version1 = [
            ParquetField(name: "event_id", type: .string),
            ParquetField(name: "type", type: .string, dictionary: true),
            ParquetField(name: "event", type: .string, dictionary: true),
            ParquetField(name: "distinct_id", type: .string, dictionary: true),
            ParquetField(name: "user_id", type: .string, optional: true, dictionary: true),
            ParquetField(name: "anonymous_id", type: .string, optional: true, dictionary: true),
            ParquetField(name: "timestamp", type: .timestampMicros, encoding: .deltaBinaryPacked),
            ParquetField(name: "sent_at", type: .timestampMicros, optional: true, encoding: .deltaBinaryPacked),
            ParquetField(name: "received_at", type: .timestampMicros, dictionary: true),
            ParquetField(name: "properties", type: .string),
            ParquetField(name: "context", type: .string, dictionary: true),
        ]
        #expect(SegmentFormat.version1.schema.fields == version1)
        #expect(SegmentFormat(rawValue: "1") == .version1)
        #expect(EventColumn.all.indices.map { EventColumn.all[$0].index } == Array(EventColumn.all.indices))
    }

    @Test func theLogOrderHoldsEveryColumnOnce() {
        #expect(EventCodec.order.map(\.index).sorted() == Array(EventColumn.all.indices))
    }

    /// The codec's bytes are version 1's, field for field (logs written before must replay).
    @Test func logRecordsAreVersion1Bytes() throws {
        let events = sampleEvents(count: 40, seed: 11)
        var expected = ByteWriter(capacity: 0)
        expected.byte(1)
        expected.string("demo")
        expected.varint(UInt64(events.count))
        for e in events {
            expected.byte(UInt8(EventType.allCases.firstIndex(of: e.type)!))
            expected.string(e.eventID)
            expected.string(e.event)
            expected.string(e.distinctID)
            expected.optionalString(e.userID)
            expected.optionalString(e.anonymousID)
            expected.signed(e.timestamp)
            if let sent = e.sentAt {
                expected.byte(1)
                expected.signed(sent)
            } else {
                expected.byte(0)
            }
            expected.signed(e.receivedAt)
            expected.string(e.properties)
            expected.string(e.context)
        }
        #expect(EventType.allCases == [.track, .identify, .page, .screen, .group, .alias])
        #expect(EventCodec.encode(project: "demo", events: events) == expected.bytes)
        #expect(try EventCodec.decode(expected.bytes).events == events)
    }

    /// The table's columns, row for row, against the naive per-field conversion in TestSupport.
    @Test func theTableWritesWhatTheNaiveColumnsWrite() throws {
        for seed: UInt64 in 1...5 {
            let events = sampleEvents(count: 50 * Int(seed), seed: seed)
            var table = EventTable()
            for e in events { table.append(e) }
            let rows = (0..<Int32(events.count)).reversed()
            let columns = try table.rowGroup(Array(rows)[...])
            #expect(columns == EventSchema.columns(events.reversed()[...]), "seed \(seed)")

            var reread = EventTable()
            try reread.append(rowGroup: columns)
            let inOrder = try reread.rowGroup(Array(0..<Int32(events.count))[...])
            #expect(try EventSchema.events(inOrder) == events.reversed())
        }
    }
}
