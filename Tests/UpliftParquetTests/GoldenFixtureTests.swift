import Foundation
import Testing

@testable import UpliftParquet

/// A file written by an earlier build of our writer must keep decoding to the same values, so a reader
/// change cannot silently orphan existing segments. Regenerate with UPLIFT_WRITE_FIXTURES=1 only on
/// purpose (a format change).
@Suite struct GoldenFixtureTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden-v1.parquet").path

    static let schema = ParquetSchema(fields: [
        ParquetField(name: "event", type: .string, dictionary: true),
        ParquetField(name: "user", type: .string, optional: true),
        ParquetField(name: "timestamp", type: .timestampMicros),
        ParquetField(name: "count", type: .int32, optional: true),
        ParquetField(name: "bucket", type: .int64, dictionary: true),
        ParquetField(name: "value", type: .double),
        ParquetField(name: "flag", type: .boolean, optional: true),
    ])

    static func rowGroup(_ g: Int, rows: Int) -> [ColumnData] {
        let r = 0..<rows
        return [
            ColumnData(values: .byteArrays(ByteArrays(r.map { ["$pageview", "signup", "checkout ✓"][($0 + g) % 3] }))),
            ColumnData(
                values: .byteArrays(ByteArrays(r.map { $0 % 4 == 0 ? "" : "user-\($0 * 7 + g)" })),
                validity: r.map { $0 % 4 != 0 }),
            ColumnData(values: .int64(r.map { 1_735_689_600_000_000 + Int64($0) * 1_000_003 + Int64(g) })),
            ColumnData(values: .int32(r.map { $0 % 5 == 0 ? 0 : Int32($0) - 50 }), validity: r.map { $0 % 5 != 0 }),
            ColumnData(values: .int64(r.map { Int64($0 % 6) })),
            ColumnData(values: .double(r.map { Double($0) / 8 - 3 })),
            ColumnData(values: .boolean(r.map { $0 % 3 == 0 }), validity: r.map { $0 % 7 != 0 }),
        ]
    }

    static let groups = [rowGroup(0, rows: 100), rowGroup(1, rows: 37)]

    static func write() throws -> [UInt8] {
        var writer = try ParquetWriter(
            schema: schema, options: .init(pageSize: 256), keyValueMetadata: [("uplift.format", "1")])
        for group in groups { try writer.append(rowGroup: group) }
        return writer.finish()
    }

    @Test func goldenFileStillDecodes() throws {
        if ProcessInfo.processInfo.environment["UPLIFT_WRITE_FIXTURES"] == "1" {
            try Data(try Self.write()).write(to: URL(fileURLWithPath: Self.path))
        }
        let file = try ParquetFile(path: Self.path)
        #expect(file.schema == Self.schema.withoutDictionaryFlags)
        #expect(file.metadataValue(for: "uplift.format") == "1")
        try file.verify()
        for (g, group) in Self.groups.enumerated() {
            for (c, column) in group.enumerated() {
                #expect(try file.read(column: c, rowGroup: g) == normalized(column))
            }
        }
        #expect(file.rowGroups[0].columns[0].dictionaryEncoded)
        #expect(file.rowGroups[0].columns[2].statistics.min == .int64(1_735_689_600_000_000))
    }

    /// Opening with some columns reads those chunks only: each decodes as from the whole file, any
    /// other column is refused instead of decoding bytes that were never read.
    @Test func someColumnsReadAsFromTheWholeFile() throws {
        let whole = try ParquetFile(path: Self.path)
        for columns: Set<Int> in [[0], [1, 2], [0, 4, 6], Set(0..<7)] {
            let file = try ParquetFile(path: Self.path, columns: columns)
            #expect(file.metadataValue(for: "uplift.format") == "1")
            for g in Self.groups.indices {
                for c in 0..<Self.schema.fields.count {
                    if columns.contains(c) {
                        #expect(try file.read(column: c, rowGroup: g) == whole.read(column: c, rowGroup: g))
                    } else {
                        #expect { _ = try file.read(column: c, rowGroup: g) } throws: {
                            ($0 as? ParquetError)?.code == .notFound
                        }
                    }
                }
            }
        }
    }

    @Test func missingFileIsNotFound() {
        #expect { _ = try ParquetFile(path: "/nonexistent/uplift.parquet") } throws: {
            ($0 as? ParquetError)?.code == .notFound
        }
    }
}

extension ParquetSchema {
    /// The footer does not record that a column was *asked* to be dictionary encoded.
    var withoutDictionaryFlags: ParquetSchema {
        ParquetSchema(fields: fields.map { ParquetField(name: $0.name, type: $0.type, optional: $0.optional) })
    }
}
