import Foundation
import TestSupport
import Testing
import UpliftModel
import UpliftParquet

@testable import UpliftStorage

/// Format 3: compaction moves frequent, type-stable properties into typed `prop_<key>` columns, and
/// every reader gets the same JSON objects back (members in another order: the moved ones last).
struct PropertyShreddingTests {
    let day = UTCDay(daysSinceEpoch: 20_513)

    /// A JSON value text and the typed value it moves as (nil: it stays in the text).
    struct Vector: Sendable, CustomStringConvertible {
        var text: String
        var value: ShreddedProperty.Value?
        var description: String { text }
    }

    static let vectors: [Vector] = [
        Vector(text: #""pro""#, value: .string(Array("pro".utf8))),
        Vector(text: #""""#, value: .string([])),
        Vector(text: #""é 🎉""#, value: .string(Array("é 🎉".utf8))),
        Vector(text: #""a\"b\\c\nd""#, value: .string(Array("a\"b\\c\nd".utf8))),  // escaped as Uplift escapes
        Vector(text: #""\u0001""#, value: .string([1])),
        Vector(text: #""\u0041""#, value: nil),  // another spelling of "A"
        Vector(text: #""a\/b""#, value: nil),
        Vector(text: #""\u00e9""#, value: nil),
        Vector(text: "0", value: .integer(0)),
        Vector(text: "-12", value: .integer(-12)),
        Vector(text: "9223372036854775807", value: .integer(.max)),
        Vector(text: "-9223372036854775808", value: .integer(.min)),
        Vector(text: "9223372036854775808", value: nil),  // beyond 64 bits
        Vector(text: "-0", value: nil),
        Vector(text: "1.5", value: .double(1.5)),
        Vector(text: "-0.25", value: .double(-0.25)),
        Vector(text: "1.0", value: .double(1)),
        Vector(text: "0.1", value: .double(0.1)),
        Vector(text: "2.50", value: nil),
        Vector(text: "1e5", value: nil),
        Vector(text: "1E+400", value: nil),
        Vector(text: "0.30000000000000000001", value: nil),
        Vector(text: "true", value: .boolean(true)),
        Vector(text: "false", value: .boolean(false)),
        Vector(text: "null", value: nil),
        Vector(text: "[1]", value: nil),
        Vector(text: #"{"a":1}"#, value: nil),
    ]

    @Test(arguments: vectors) func aValueMovesOnlyWhenItsTextComesBack(_ v: Vector) throws {
        let bytes = Array(#"{"k":\#(v.text)}"#.utf8)
        let tape = try JSONParser.parse(bytes)
        bytes.withUnsafeBytes { raw in
            let view = JSONView(bytes: raw, tape: tape)
            let value = ShreddedProperty.exactValue(view, 2)
            #expect(value == v.value)
            if let value {
                var text: [UInt8] = []
                ShreddedProperty.appendText(value, to: &text)
                #expect(String(decoding: text, as: UTF8.self) == v.text)
            }
        }
    }

    @Test func onlyPlainIdentifiersGetColumns() {
        for key in ["plan", "_x", "A9_b", String(repeating: "k", count: 64)] {
            #expect(ShreddedProperty.isPlainKey(key.utf8), "\(key)")
        }
        for key in ["", "9a", "a.b", "a-b", "a b", "$set", "é", String(repeating: "k", count: 65)] {
            #expect(!ShreddedProperty.isPlainKey(key.utf8), "\(key)")
        }
    }

    static func column(_ texts: [String]) -> ByteColumn {
        var column = ByteColumn()
        for t in texts { column.append(t) }
        return column
    }

    /// The rule: share, stability, identifier keys, most frequent first, at most `maxColumns`, and a
    /// minimum of rows.
    @Test func theRuleChoosesFrequentStableKeys() {
        var texts: [String] = []
        for i in 0..<1_000 {
            var members = [#""plan":"p\#(i % 3)""#, #""n":\#(i)"#]
            if i % 10 == 0 { members.append(#""rare":true"#) }  // 10 %
            if i % 25 == 0 { members.append(#""tiny":1"#) }  // 4 %: below 5 %
            members.append(i % 50 == 0 ? #""mixed":"x""# : #""mixed":\#(i)"#)  // 98 % integers
            members.append(i == 7 ? #""price":1e3"# : #""price":\#(i).5"#)  // 99.9 % exact doubles
            members.append(#""a.b":1,"$x":2"#)  // not identifiers
            if i % 2 == 0 { members.append(#""nested":{"a":1}"#) }
            texts.append("{" + members.joined(separator: ",") + "}")
        }
        var rule = PropertyShredding.Rule()
        let chosen = PropertyShredding.choose(Self.column(texts), rule: rule)
        #expect(
            chosen.properties == [
                ShreddedProperty(key: "n", kind: .integer), ShreddedProperty(key: "plan", kind: .string),
                ShreddedProperty(key: "price", kind: .double), ShreddedProperty(key: "rare", kind: .boolean),
            ])
        rule.maxColumns = 2
        #expect(PropertyShredding.choose(Self.column(texts), rule: rule).properties.map(\.key) == ["n", "plan"])
        rule = PropertyShredding.Rule()
        #expect(PropertyShredding.choose(Self.column(Array(texts.prefix(999))), rule: rule).properties.isEmpty)
        rule.minimumRows = 1
        // In the first ten rows `rare` and `tiny` are frequent, and one `price` in ten is not exact.
        #expect(
            PropertyShredding.choose(Self.column(Array(texts.prefix(10))), rule: rule).properties.map(\.key)
                == ["n", "plan", "rare", "tiny"])
    }

    /// A top-level object with sorted members: JSON objects are unordered, and the moved members
    /// come back last. Duplicate names keep their relative order (a stable sort), which the last-wins
    /// reading depends on.
    static func canonical(_ text: String) -> JSONValue? {
        guard let value = try? JSONValue(parsing: Array(text.utf8)) else { return nil }
        guard case .object(let members) = value else { return value }
        let sorted = members.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        return .object(sorted.map(\.element))
    }

    /// Texts of every shape: moved and kept members, other types, duplicates, escaped keys, whitespace,
    /// empty objects, non-objects.
    static let texts: [String] = [
        #"{"plan":"pro","n":1,"on":true,"price":9.5}"#,
        #"{"n":2,"plan":"free"}"#,
        #"{"plan":7,"n":"three","on":null,"price":2.50}"#,
        #"{"n":4,"n":5,"plan":"dup"}"#,
        #"{"pl\u0061n":"esc","plan":"x"}"#,
        #"{"other":[1,2],"plan":"a\"q"}"#,
        #"{ "plan": "spaced", "n": 1 }"#,
        #"{}"#,
        "",
        #"[1,2]"#,
        #"{"plan":"only"}"#,
        #"{"x":{"plan":"inner"},"n":-0,"price":1e2}"#,
        #"{"price":-0.5,"on":false,"n":-9223372036854775808,"plan":"\u0041"}"#,
    ]

    static let shredding = PropertyShredding([
        ShreddedProperty(key: "plan", kind: .string), ShreddedProperty(key: "n", kind: .integer),
        ShreddedProperty(key: "price", kind: .double), ShreddedProperty(key: "on", kind: .boolean),
    ])

    @Test func splitThenRebuildGivesTheSameObjects() throws {
        let texts = ByteArrays(Self.texts)
        let (kept, columns) = Self.shredding.split(texts)
        #expect(columns.count == 4)
        let rebuilt = try Self.shredding.rebuild(kept, columns: columns)
        for (r, text) in Self.texts.enumerated() {
            let back = rebuilt.string(at: r)
            #expect(Self.canonical(back) == Self.canonical(text), "row \(r): \(back)")
            if Self.canonical(text) == nil { #expect(back == text) }
            // A typed value is set exactly when its member left the text.
            let rest = Self.canonical(kept.string(at: r))
            for (c, property) in Self.shredding.properties.enumerated() {
                var inText = false
                if case .object(let members)? = rest { inText = members.contains { $0.0 == property.key } }
                if !columns[c].isNull(r) { #expect(!inText, "row \(r) \(property.key)") }
            }
        }
        // What moved and what stayed, row by row.
        func isNull(_ c: Int) -> [Bool] { Self.texts.indices.map { columns[c].isNull($0) } }
        #expect(isNull(0) == [false, false, true, false, true, false, true, true, true, true, false, true, true])
        #expect(isNull(1) == [false, false, true, true, true, true, true, true, true, true, true, true, false])
        #expect(isNull(2) == [false, true, true, true, true, true, true, true, true, true, true, true, false])
        #expect(kept.string(at: 0) == "{}" && kept.string(at: 1) == "{}")
        #expect(kept.string(at: 2) == Self.texts[2])
        #expect(rebuilt.string(at: 0) == #"{"plan":"pro","n":1,"price":9.5,"on":true}"#)
        #expect(rebuilt.string(at: 5) == #"{"other":[1,2],"plan":"a\"q"}"#)
        #expect(rebuilt.string(at: 12) == #"{"plan":"\u0041","n":-9223372036854775808,"price":-0.5,"on":false}"#)
        guard case .byteArrays(let plans) = columns[0].values, case .double(let prices) = columns[2].values else {
            Issue.record("the columns do not have their types")
            return
        }
        #expect(plans.string(at: 5) == "a\"q" && prices[0] == 9.5)
    }

    @Test func aTextWithoutAnObjectUnderATypedValueIsCorrupt() throws {
        let columns = [ColumnData(values: .int64([1]))]
        let shredding = PropertyShredding([ShreddedProperty(key: "n", kind: .integer)])
        #expect(try shredding.rebuild(ByteArrays([#"{"a":1}"#]), columns: columns).string(at: 0) == #"{"a":1,"n":1}"#)
        for text in ["", "[]", "x"] {
            #expect(throws: UpliftError.self) { try shredding.rebuild(ByteArrays([text]), columns: columns) }
        }
        #expect(throws: UpliftError.self) {
            try shredding.rebuild(ByteArrays(["{}"]), columns: [ColumnData(values: .double([1]))])
        }
    }

    func events(count: Int, seed: UInt64, idPrefix: String) -> [Event] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { i in
            var members: [String] = []
            if rng.next() % 10 != 0 { members.append(#""plan":"\#(["free", "pro", "team"][Int(rng.next() % 3)])""#) }
            members.append(
                rng.next() % 200 == 0 ? #""amount":"n/a""# : #""amount":\#(Int(rng.next() % 1000) - 100)"#)
            if rng.next() % 2 == 0 { members.append(#""share":\#(Double(rng.next() % 1000) / 8)"#) }
            if rng.next() % 3 == 0 { members.append(#""ok":\#(rng.next() % 2 == 0)"#) }
            if rng.next() % 5 == 0 { members.append(#""$set":{"a":1},"q":null"#) }
            members.shuffle(using: &rng)
            let ts = day.startMicroseconds + Int64(rng.next() % 86_400_000_000)
            return Event(
                eventID: "\(idPrefix)-\(i)", type: .track, event: "e\(rng.next() % 3)",
                distinctID: "u\(rng.next() % 40)", userID: nil, anonymousID: nil, timestamp: ts, sentAt: nil,
                receivedAt: ts, properties: "{" + members.joined(separator: ",") + "}", context: "{}")
        }
    }

    func sameEvents(_ a: [Event], _ b: [Event]) {
        let a = sortedByID(a)
        let b = sortedByID(b)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            var x2 = x
            var y2 = y
            x2.properties = ""
            y2.properties = ""
            #expect(x2 == y2)
            #expect(Self.canonical(x.properties) == Self.canonical(y.properties), "\(x.properties) / \(y.properties)")
        }
    }

    /// A compacted day in format 3 with typed columns: the naive reader, the table compaction reads,
    /// the analysis' segment texts, a second compaction over format 3 and flushes, stats and verify.
    @Test func aShreddedDayReadsBackThroughEveryReader() async throws {
        try await withDataDirectory { dir in
            var config = smallConfiguration(dir)
            config.propertyColumns.minimumRows = 100
            let project = try ProjectSlug("shred")
            let first = events(count: 600, seed: 1, idPrefix: "a")
            let store = try await EventStore.open(config)
            _ = try await store.append(project: project, events: first)
            _ = try await store.compact(project: project, force: true)
            var snapshot = await store.snapshot(project: project)
            let path = try #require(snapshot.segments.first)
            let (file, format, shredding) = try SegmentReader.openWithFormat(path: path)
            #expect(format == .version3)
            #expect(
                shredding.properties == [
                    ShreddedProperty(key: "amount", kind: .integer), ShreddedProperty(key: "plan", kind: .string),
                    ShreddedProperty(key: "share", kind: .double), ShreddedProperty(key: "ok", kind: .boolean),
                ])
            let names = ["prop_amount", "prop_plan", "prop_share", "prop_ok"]
            #expect(Array(file.schema.fields.map(\.name).suffix(4)) == names)
            // Every key is still listed in the footer, the shredded ones too.
            #expect(
                SegmentKeys(metadata: file.metadataValue(for:))?.properties.keys
                    == ["amount", "plan", "share", "ok", "$set", "q"])
            sameEvents(try snapshot.allEvents(), first)
            let table = try SegmentReader.table(paths: snapshot.segments)
            sameEvents(try EventSchema.events(try table.rowGroup(Array(0..<Int32(table.count))[...])), first)
            let segment = try EventSegment(path: path)
            var texts: [String] = []
            for g in segment.rowGroupSizes.indices {
                let t = try segment.texts(.properties, rowGroup: g)
                t.forEach(0..<t.count) { _, bytes in texts.append(String(decoding: bytes, as: UTF8.self)) }
            }
            let order = { (a: JSONValue?, b: JSONValue?) in "\(a.map { "\($0)" } ?? "")" < "\(b.map { "\($0)" } ?? "")"
            }
            #expect(
                texts.map(Self.canonical).sorted(by: order)
                    == first.map { Self.canonical($0.properties) }.sorted(by: order))
            // A partial open that reads properties reads the typed columns too.
            let partial = try EventSegment(path: path, columns: [.properties])
            #expect(try partial.texts(.properties, rowGroup: 0).count == segment.rowGroupSizes[0])

            // Format 3 and fresh flushes compact again into format 3, exactly.
            let second = events(count: 300, seed: 2, idPrefix: "b")
            _ = try await store.append(project: project, events: second)
            _ = try await store.compact(project: project, force: true)
            snapshot = await store.snapshot(project: project)
            try await store.close()
            sameEvents(try snapshot.allEvents(), first + second)
            let report = StoreVerifier.verify(dataDirectory: dir)
            #expect(report.isClean && report.events == 900)
            let stats = try ProjectStats.read(dataDirectory: dir, project: project)
            #expect(stats.columns.map(\.name).suffix(4) == ["prop_amount", "prop_plan", "prop_share", "prop_ok"])
        }
    }

    /// Flushed segments keep every property in the text; a day below the rule's minimum too.
    @Test func flushesAndSmallDaysAreNotShredded() async throws {
        try await withDataDirectory { dir in
            let project = try ProjectSlug("shred")
            let store = try await EventStore.open(smallConfiguration(dir))
            _ = try await store.append(project: project, events: events(count: 300, seed: 3, idPrefix: "c"))
            try await store.flush()
            for path in await store.snapshot(project: project).segments {
                #expect(try SegmentReader.openWithFormat(path: path).shredding.properties.isEmpty)
            }
            _ = try await store.compact(project: project, force: true)
            for path in await store.snapshot(project: project).segments {
                let (_, format, shredding) = try SegmentReader.openWithFormat(path: path)
                #expect(format == .version3 && shredding.properties.isEmpty)
            }
            try await store.close()
        }
    }

    /// Format 3's extra columns must be typed property columns; anything else is refused as corrupt.
    @Test func aFormat3SegmentWithOtherExtraColumnsIsRefused() throws {
        let base = EventSchema.schema.fields
        let good = PropertyShredding([ShreddedProperty(key: "plan", kind: .string)])
        #expect(SegmentFormat.version3.shredding(of: ParquetSchema(fields: base + good.fields)) == good)
        #expect(SegmentFormat.version3.shredding(of: ParquetSchema(fields: base)) == PropertyShredding())
        #expect(SegmentFormat.version2.shredding(of: ParquetSchema(fields: base + good.fields)) == nil)
        let bad: [[ParquetField]] = [
            [ParquetField(name: "plan", type: .string, optional: true)],
            [ParquetField(name: "prop_plan", type: .string)],
            [ParquetField(name: "prop_plan", type: .timestampMicros, optional: true)],
            [ParquetField(name: "prop_a.b", type: .int64, optional: true)],
            good.fields + good.fields,
        ]
        for extra in bad {
            #expect(SegmentFormat.version3.shredding(of: ParquetSchema(fields: base + extra)) == nil, "\(extra)")
        }
        let shifted = ParquetSchema(fields: Array(base.dropLast()) + good.fields)
        #expect(SegmentFormat.version3.shredding(of: shifted) == nil)
    }

    /// On disk: a format-3 segment with a column that is not a property column is refused as corrupt,
    /// and one whose typed value has no object text to go back into is reported by `verify`.
    @Test func damagedFormat3SegmentsAreRefused() async throws {
        try await withDataDirectory { dir in
            let project = try ProjectSlug("shred")
            let directory = SegmentLayout(root: dir).partitionDirectory(project, day)
            try DurableFile.createDirectories(directory)
            let rows = events(count: 4, seed: 9, idPrefix: "d")
            var config = smallConfiguration(dir)
            config.rowGroupRows = 4
            let base = EventSchema.columns(rows[...])
            var writer = try ParquetWriter(
                schema: ParquetSchema(
                    fields: EventSchema.schema.fields + [ParquetField(name: "extra", type: .int64, optional: true)]),
                keyValueMetadata: [(SegmentWriter.formatKey, "3")])
            try writer.append(rowGroup: base + [ColumnData(values: .int64([1, 2, 3, 4]))])
            let odd = directory + "/c-00000000000001-00000000.parquet"
            try DurableFile.write(writer.finish(), to: odd)
            #expect {
                try SegmentReader.openWithFormat(path: odd)
            } throws: { error in
                (error as? UpliftError)?.code == .corrupt
            }
            try FileManager.default.removeItem(atPath: odd)

            let shredding = PropertyShredding([ShreddedProperty(key: "n", kind: .integer)])
            var broken = base
            broken[EventColumn.properties.index] = ColumnData(values: .byteArrays(ByteArrays(["", "{}", "[]", "{}"])))
            let bytes = try SegmentWriter.encode(
                rowCount: rows.count, configuration: config, compressionLevel: 1, compaction: nil,
                shredding: shredding
            ) { _ throws(UpliftError) in broken + [ColumnData(values: .int64([1, 2, 3, 4]))] }
            let path = directory + "/c-00000000000002-00000000.parquet"
            try DurableFile.write(bytes, to: path)
            #expect(try SegmentReader.openWithFormat(path: path).shredding == shredding)
            #expect(throws: UpliftError.self) { try SegmentReader.table(paths: [path]) }
            let report = StoreVerifier.verify(dataDirectory: dir)
            // (No log directory either: this data directory was never opened by a store.)
            #expect(report.problems.map(\.path).filter { $0.hasSuffix(".parquet") } == [path])
        }
    }
}
