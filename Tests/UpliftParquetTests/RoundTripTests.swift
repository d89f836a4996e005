import Testing

@testable import UpliftParquet

/// Normalises a column so that null slots compare equal whatever the writer was given in them.
func normalized(_ column: ColumnData) -> ColumnData {
    guard let validity = column.validity else { return column }
    func keep<T>(_ values: [T], _ zero: T) -> [T] { values.indices.map { validity[$0] ? values[$0] : zero } }
    switch column.values {
    case .int32(let v): return ColumnData(values: .int32(keep(v, 0)), validity: validity)
    case .int64(let v): return ColumnData(values: .int64(keep(v, 0)), validity: validity)
    case .double(let v): return ColumnData(values: .double(keep(v, 0)), validity: validity)
    case .boolean(let v): return ColumnData(values: .boolean(keep(v, false)), validity: validity)
    case .byteArrays(let v):
        var out = ByteArrays()
        for i in 0..<v.count { if validity[i] { out.append(contentsOf: v[i]) } else { out.appendEmpty() } }
        return ColumnData(values: .byteArrays(out), validity: validity)
    }
}

@Suite struct RoundTripTests {
    static let optionSets: [ParquetWriter.Options] = [
        .init(),
        .init(compression: .none, pageSize: 200),
        .init(compressionLevel: 1, pageSize: 64, dictionaryLimit: 40),
    ]

    func checkRoundTrip(_ table: RandomTable, options: ParquetWriter.Options) throws {
        let bytes = try table.write(options: options, metadata: [("uplift.format", "1")])
        let file = try ParquetFile(bytes: bytes)
        #expect(file.schema.fields.map(\.name) == table.schema.fields.map(\.name))
        #expect(file.schema.fields.map(\.type) == table.schema.fields.map(\.type))
        #expect(file.schema.fields.map(\.optional) == table.schema.fields.map(\.optional))
        #expect(file.rowGroups.count == table.rowGroups.count)
        #expect(file.rowCount == table.rowGroups.map { $0[0].count }.reduce(0, +))
        #expect(file.metadataValue(for: "uplift.format") == "1")
        #expect(file.createdBy == "uplift version 0.1.0")
        try file.verify()
        for (g, group) in table.rowGroups.enumerated() {
            #expect(file.rowGroups[g].rowCount == group[0].count)
            for (c, column) in group.enumerated() {
                let read = try file.read(column: c, rowGroup: g)
                #expect(read == normalized(column), "column \(table.schema.fields[c].name) row group \(g)")
                #expect(file.rowGroups[g].columns[c].statistics == expectedStatistics(column, options: options))
                if let dictionary = try file.readDictionary(column: c, rowGroup: g) {
                    #expect(file.rowGroups[g].columns[c].dictionaryEncoded)
                    #expect(expand(dictionary) == normalized(column))
                }
            }
        }
    }

    /// A naive reference for the statistics: sort the non-null values.
    func expectedStatistics(_ column: ColumnData, options: ParquetWriter.Options) -> ParquetStatistics {
        let rows = (0..<column.count).filter { !column.isNull($0) }
        var stats = ParquetStatistics(nullCount: column.count - rows.count)
        switch column.values {
        case .int32(let v):
            stats.min = rows.map { v[$0] }.min().map { .int32($0) }
            stats.max = rows.map { v[$0] }.max().map { .int32($0) }
        case .int64(let v):
            stats.min = rows.map { v[$0] }.min().map { .int64($0) }
            stats.max = rows.map { v[$0] }.max().map { .int64($0) }
        case .double(let v):
            stats.min = rows.map { v[$0] }.min().map { .double($0 == 0 ? -0.0 : $0) }
            stats.max = rows.map { v[$0] }.max().map { .double($0 == 0 ? 0.0 : $0) }
        case .boolean(let v):
            stats.min = rows.isEmpty ? nil : .boolean(rows.allSatisfy { v[$0] })
            stats.max = rows.isEmpty ? nil : .boolean(rows.contains { v[$0] })
        case .byteArrays(let v):
            let sorted = rows.map { Array(v[$0]) }.sorted { $0.lexicographicallyPrecedes($1) }
            if let lo = sorted.first, let hi = sorted.last, lo.count <= options.maxStatisticsSize,
                hi.count <= options.maxStatisticsSize
            {
                stats.min = .bytes(lo)
                stats.max = .bytes(hi)
            }
        }
        return stats
    }

    func expand(_ d: DictionaryColumn) -> ColumnData {
        let rows = d.indices.count
        func isNull(_ i: Int) -> Bool { !(d.validity?[i] ?? true) }
        switch d.dictionary {
        case .int64(let v):
            return ColumnData(
                values: .int64((0..<rows).map { isNull($0) ? 0 : v[Int(d.indices[$0])] }), validity: d.validity)
        case .byteArrays(let v):
            var out = ByteArrays()
            for i in 0..<rows {
                if isNull(i) { out.appendEmpty() } else { out.append(contentsOf: v[Int(d.indices[i])]) }
            }
            return ColumnData(values: .byteArrays(out), validity: d.validity)
        default: return ColumnData(values: d.dictionary)
        }
    }

    @Test(arguments: 0..<12)
    func randomTables(seed: Int) throws {
        let table = RandomTable.make(seed: UInt64(seed), rowGroups: 1 + seed % 4, maxRows: seed % 3 == 0 ? 3 : 700)
        try checkRoundTrip(table, options: Self.optionSets[seed % Self.optionSets.count])
    }

    @Test func oneRow() throws {
        try checkRoundTrip(RandomTable.make(seed: 99, rowGroups: 1, maxRows: 1), options: .init())
    }

    @Test func allNullColumns() throws {
        try checkRoundTrip(
            RandomTable.make(seed: 7, rowGroups: 2, maxRows: 300, allNull: true), options: .init(pageSize: 100))
    }

    @Test func manyRowGroups() throws {
        try checkRoundTrip(RandomTable.make(seed: 11, rowGroups: 40, maxRows: 50), options: .init(compressionLevel: 1))
    }

    @Test func dictionaryFallsBackToPlainWhenTooLarge() throws {
        let schema = ParquetSchema(fields: [ParquetField(name: "s", type: .string, dictionary: true)])
        let low = ColumnData(values: .byteArrays(ByteArrays((0..<1000).map { "v\($0 % 10)" })))
        let unique = ColumnData(values: .byteArrays(ByteArrays((0..<1000).map { "v\($0)" })))
        var writer = try ParquetWriter(schema: schema)
        try writer.append(rowGroup: [low])
        try writer.append(rowGroup: [unique])
        let file = try ParquetFile(bytes: writer.finish())
        #expect(file.rowGroups[0].columns[0].dictionaryEncoded)
        #expect(!file.rowGroups[1].columns[0].dictionaryEncoded)
        let dictionary = try #require(try file.readDictionary(column: "s", rowGroup: 0))
        #expect(dictionary.dictionary.count == 10)
        #expect(try file.readDictionary(column: "s", rowGroup: 1) == nil)
        #expect(try file.read(column: "s", rowGroup: 1) == unique)
        #expect(
            try file.read(column: "s")
                == ColumnData(
                    values: .byteArrays(
                        ByteArrays(
                            (0..<1000).map { "v\($0 % 10)" } + (0..<1000).map { "v\($0)" }))))
    }

    @Test func stringsAndStatisticsCompareAsUnsignedBytes() throws {
        let schema = ParquetSchema(fields: [ParquetField(name: "s", type: .string, optional: true)])
        let values = ByteArrays(["b", "é", "", "a\u{7F}", "zz"])  // "é" is 0xC3 0xA9: above every ASCII byte
        var writer = try ParquetWriter(schema: schema)
        try writer.append(rowGroup: [
            ColumnData(values: .byteArrays(values), validity: [true, true, true, true, false])
        ])
        let file = try ParquetFile(bytes: writer.finish())
        let stats = file.rowGroups[0].columns[0].statistics
        #expect(stats.min == .bytes([]))
        #expect(stats.max?.string == "é")
        #expect(stats.nullCount == 1)
    }

    @Test func invalidInputIsRejected() throws {
        let schema = ParquetSchema(fields: [
            ParquetField(name: "a", type: .int64), ParquetField(name: "b", type: .string),
        ])
        var writer = try ParquetWriter(schema: schema)
        let ints = ColumnData(values: .int64([1, 2]))
        #expect(throws: ParquetError.self) { try writer.append(rowGroup: [ints]) }
        #expect(throws: ParquetError.self) { try writer.append(rowGroup: [ints, ints]) }
        #expect(throws: ParquetError.self) {
            try writer.append(rowGroup: [
                ColumnData(values: .int64([1, 2]), validity: [true, false]),
                ColumnData(values: .byteArrays(ByteArrays(["x", "y"]))),
            ])
        }
        #expect(throws: ParquetError.self) {
            try writer.append(rowGroup: [ints, ColumnData(values: .byteArrays(ByteArrays(["x"])))])
        }
        #expect(throws: ParquetError.self) {
            _ = try ParquetWriter(schema: schema, options: .init(compressionLevel: 12))
        }
        #expect(throws: ParquetError.self) { _ = try ByteArrays(offsets: [0, 5, 3], bytes: [1, 2, 3]) }
    }
}

@Suite struct ReaderAPITests {
    static func file() throws -> ParquetFile {
        let schema = ParquetSchema(fields: [
            ParquetField(name: "bucket", type: .int64, optional: true, dictionary: true),
            ParquetField(name: "at", type: .timestampMicros, dictionary: true),
        ])
        var writer = try ParquetWriter(schema: schema)
        let rows = 1000
        try writer.append(rowGroup: [
            ColumnData(
                values: .int64((0..<rows).map { Int64($0 % 3) * 100 }), validity: (0..<rows).map { $0 % 10 != 0 }),
            ColumnData(values: .int64((0..<rows).map { 1_700_000_000_000_000 + Int64($0 % 4) })),
        ])
        return try ParquetFile(bytes: writer.finish())
    }

    @Test func int64DictionaryIndicesMatchValues() throws {
        let file = try Self.file()
        let d = try #require(try file.readDictionary(column: "bucket", rowGroup: 0))
        guard case .int64(let entries) = d.dictionary else {
            Issue.record("expected an int64 dictionary")
            return
        }
        #expect(Set(entries) == [0, 100, 200])
        #expect(d.validity?.filter { !$0 }.count == 100)
        for row in 0..<1000 where row % 10 != 0 {
            #expect(entries[Int(d.indices[row])] == Int64(row % 3) * 100)
        }
        let ts = try #require(try file.readDictionary(column: "at", rowGroup: 0))
        #expect(ts.dictionary.count == 4)
        #expect(file.rowGroups[0].columns[1].statistics.max == .int64(1_700_000_000_000_003))
    }

    @Test func unknownColumnsAndRowGroupsAreNotFound() throws {
        let file = try Self.file()
        #expect { _ = try file.read(column: "nope", rowGroup: 0) } throws: { ($0 as? ParquetError)?.code == .notFound }
        #expect { _ = try file.read(column: 0, rowGroup: 1) } throws: { ($0 as? ParquetError)?.code == .notFound }
        #expect { _ = try file.read(column: 5, rowGroup: 0) } throws: { ($0 as? ParquetError)?.code == .notFound }
    }

    @Test func notParquetIsCorrupt() {
        for bytes in [
            [UInt8](), Array("PAR1PAR1".utf8), Array("PAR1\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}PAR1".utf8),
            Array(repeating: 0x41, count: 100),
        ] {
            #expect { _ = try ParquetFile(bytes: bytes) } throws: { ($0 as? ParquetError)?.code == .corrupt }
        }
    }
}

/// The writer stores a chunk uncompressed when GZIP would shrink it by less than 1/32: random bytes are
/// stored as they are, repetitive ones compressed, and both read back exactly.
struct IncompressibleChunkTests {
    @Test func gzipIsKeptOnlyWhereItPays() throws {
        var state: UInt64 = 42
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let rows = 5_000
        // Random 16-byte ids (as event UUIDs are): nothing for GZIP to find.
        let random = (0..<rows).map { _ in (0..<16).map { _ in next() } }
        let repetitive = (0..<rows).map { "value-\($0 % 7)-and-a-long-repeated-suffix-\($0 / 1_000)" }
        let schema = ParquetSchema(fields: [
            ParquetField(name: "random", type: .fixed16),
            ParquetField(name: "repetitive", type: .string, dictionary: false),
        ])
        var writer = try ParquetWriter(schema: schema, options: .init(pageSize: 4_096))
        var ids = ByteArrays()
        for id in random { ids.append(contentsOf: id) }
        try writer.append(rowGroup: [
            ColumnData(values: .byteArrays(ids)), ColumnData(values: .byteArrays(ByteArrays(repetitive))),
        ])
        let file = try ParquetFile(bytes: writer.finish())
        try file.verify()
        let chunks = file.metadata.rowGroups[0].columns
        #expect(chunks[0].codec == Wire.uncompressed)
        #expect(chunks[1].codec == Wire.gzip)
        #expect(chunks[0].totalCompressedSize == chunks[0].totalUncompressedSize)
        #expect(chunks[1].totalCompressedSize * 4 < chunks[1].totalUncompressedSize)
        guard case .byteArrays(let a) = try file.read(column: 0, rowGroup: 0).values,
            case .byteArrays(let b) = try file.read(column: 1, rowGroup: 0).values
        else {
            Issue.record("not byte arrays")
            return
        }
        #expect((0..<rows).map { Array(a[$0]) } == random)
        #expect((0..<rows).map { b.string(at: $0) } == repetitive)
    }
}
