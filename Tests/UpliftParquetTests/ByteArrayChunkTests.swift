import Testing

@testable import UpliftParquet

/// `readByteArrays`: a string column chunk read as stored (dictionary and indices, or PLAIN values)
/// holds exactly the values `read` gives, for dictionary and PLAIN chunks over several pages.
@Suite struct ByteArrayChunkTests {
    /// Each row's bytes, whichever form the chunk came in.
    static func rows(_ chunk: ByteArrayChunk) -> [[UInt8]] {
        switch chunk {
        case .dictionary(let dictionary, let indices): indices.map { Array(dictionary[Int($0)]) }
        case .plain(let values): (0..<values.count).map { Array(values[$0]) }
        }
    }

    static let awkward = ["", "a", "", "é", "日本語", "🙂 emoji", "a\u{0}b", "", String(repeating: "x", count: 300)]

    static func file(
        _ groups: [[String]], options: ParquetWriter.Options = .init(), optional: Bool = false
    ) throws -> ParquetFile {
        let schema = ParquetSchema(fields: [
            ParquetField(name: "s", type: .string, optional: optional, dictionary: true)
        ])
        var writer = try ParquetWriter(schema: schema, options: options)
        for group in groups {
            try writer.append(rowGroup: [ColumnData(values: .byteArrays(ByteArrays(group)))])
        }
        return try ParquetFile(bytes: writer.finish())
    }

    @Test(arguments: [
        ParquetWriter.Options(), .init(compression: .none, pageSize: 64), .init(compressionLevel: 1, pageSize: 200),
    ])
    func dictionaryChunkKeepsItsDictionaryAndIndices(_ options: ParquetWriter.Options) throws {
        let values = (0..<2000).map { Self.awkward[($0 * 7) % Self.awkward.count] }
        let file = try Self.file([values], options: options)
        let (chunk, validity) = try file.readByteArrays(column: 0, rowGroup: 0)
        guard case .dictionary(let dictionary, let indices) = chunk else {
            Issue.record("a low-cardinality chunk should come back dictionary encoded")
            return
        }
        #expect(validity == nil)
        #expect(dictionary.count == Set(Self.awkward).count)
        #expect(indices.count == values.count)
        #expect(Self.rows(chunk) == values.map { Array($0.utf8) })
    }

    @Test(arguments: [ParquetWriter.Options(dictionaryLimit: 40), .init(compression: .none, pageSize: 64)])
    func plainChunkGivesEveryValue(_ options: ParquetWriter.Options) throws {
        // Unique values: the dictionary falls back (more distinct values than half the rows, or over the limit).
        let values = (0..<1500).map { "\(Self.awkward[$0 % Self.awkward.count])-\($0)" } + ["", "", "ü"]
        let file = try Self.file([values], options: options)
        let (chunk, _) = try file.readByteArrays(column: 0, rowGroup: 0)
        guard case .plain(let plain) = chunk else {
            Issue.record("a unique-valued chunk should come back PLAIN")
            return
        }
        #expect(plain.count == values.count)
        #expect(Self.rows(chunk) == values.map { Array($0.utf8) })
        #expect(try file.read(column: 0, rowGroup: 0).values == .byteArrays(plain))
    }

    @Test func rowGroupsChooseTheirOwnForm() throws {
        let low = (0..<1000).map { "v\($0 % 10)" }
        let unique = (0..<1000).map { "v\($0)" }
        let file = try Self.file([low, unique])
        let (first, _) = try file.readByteArrays(column: 0, rowGroup: 0)
        let (second, _) = try file.readByteArrays(column: 0, rowGroup: 1)
        if case .dictionary = first {} else { Issue.record("row group 0 should be dictionary encoded") }
        if case .plain = second {} else { Issue.record("row group 1 should be PLAIN") }
        #expect(Self.rows(first) == low.map { Array($0.utf8) })
        #expect(Self.rows(second) == unique.map { Array($0.utf8) })
    }

    @Test func nullsKeepTheirValidity() throws {
        let schema = ParquetSchema(fields: [ParquetField(name: "s", type: .string, optional: true, dictionary: true)])
        let values = (0..<600).map { $0 % 5 == 0 ? "" : Self.awkward[$0 % Self.awkward.count] }
        let validity = (0..<600).map { $0 % 5 != 0 }
        var writer = try ParquetWriter(schema: schema, options: .init(pageSize: 100))
        let column = ColumnData(values: .byteArrays(ByteArrays(values)), validity: validity)
        try writer.append(rowGroup: [column])
        let file = try ParquetFile(bytes: writer.finish())
        let (chunk, read) = try file.readByteArrays(column: 0, rowGroup: 0)
        #expect(read == validity)
        // A null row's slot holds a placeholder (index 0, or no bytes): only the valid rows compare.
        let rows = Self.rows(chunk)
        #expect(rows.count == values.count)
        let valid = values.indices.filter { validity[$0] }
        #expect(valid.map { rows[$0] } == valid.map { Array(values[$0].utf8) })
    }

    @Test func aNumberColumnIsNotByteArrays() throws {
        let schema = ParquetSchema(fields: [ParquetField(name: "n", type: .int64)])
        var writer = try ParquetWriter(schema: schema)
        try writer.append(rowGroup: [ColumnData(values: .int64([1, 2, 3]))])
        let file = try ParquetFile(bytes: writer.finish())
        #expect(throws: ParquetError.self) { try file.readByteArrays(column: 0, rowGroup: 0) }
    }
}
