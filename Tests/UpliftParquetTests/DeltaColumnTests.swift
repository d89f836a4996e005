import TestSupport
import Testing

@testable import UpliftParquet

/// DELTA_BINARY_PACKED columns inside files: nulls, pages, metadata, dictionary precedence, damage.
@Suite struct DeltaColumnTests {
    static let schema = ParquetSchema(fields: [
        ParquetField(name: "ts", type: .timestampMicros, encoding: .deltaBinaryPacked),
        ParquetField(name: "sent", type: .timestampMicros, optional: true, encoding: .deltaBinaryPacked),
        ParquetField(name: "n", type: .int32, optional: true, encoding: .deltaBinaryPacked),
        ParquetField(name: "wide", type: .int64, encoding: .deltaBinaryPacked),
        ParquetField(name: "plain", type: .int64),
    ])

    static func rowGroup(rows: Int, seed: UInt64, nullEvery: Int) -> [ColumnData] {
        var rng = SeededRandom(seed: seed)
        var t: Int64 = 1_767_225_600_000_000
        let ts = (0..<rows).map { _ in
            t += Int64.random(in: 0...120_000_000, using: &rng)
            return t
        }
        // nullEvery: 0 no nulls, 1 all null, n every nth row null.
        let valid = (0..<rows).map { nullEvery == 0 || (nullEvery > 1 && $0 % nullEvery != 1) }
        let sent = (0..<rows).map { valid[$0] ? ts[$0] + Int64.random(in: -5_000...5_000, using: &rng) : 0 }
        let n = (0..<rows).map { valid[$0] ? Int32.random(in: .min ... .max, using: &rng) : 0 }
        let wide = (0..<rows).map { [Int64.min, Int64.max, 0, -1][$0 % 4] &+ Int64.random(in: -9...9, using: &rng) }
        return [
            ColumnData(values: .int64(ts)),
            ColumnData(values: .int64(sent), validity: nullEvery == 0 ? nil : valid),
            ColumnData(values: .int32(n), validity: nullEvery == 0 ? nil : valid),
            ColumnData(values: .int64(wide)),
            ColumnData(values: .int64(ts)),
        ]
    }

    static func write(
        _ groups: [[ColumnData]], schema: ParquetSchema = schema, options: ParquetWriter.Options
    ) throws -> [UInt8] {
        var writer = try ParquetWriter(schema: schema, options: options)
        for group in groups { try writer.append(rowGroup: group) }
        return writer.finish()
    }

    static let optionSets: [ParquetWriter.Options] = [
        .init(), .init(compression: .none, pageSize: 800), .init(pageSize: 64),
    ]

    @Test(arguments: 0..<3)
    func roundTripWithNullsAndPages(options: Int) throws {
        let groups = [
            Self.rowGroup(rows: 4097, seed: 1, nullEvery: 3),
            Self.rowGroup(rows: 1, seed: 2, nullEvery: 0),
            Self.rowGroup(rows: 129, seed: 3, nullEvery: 0),
            Self.rowGroup(rows: 128, seed: 4, nullEvery: 1),  // every optional value null
        ]
        let file = try ParquetFile(bytes: try Self.write(groups, options: Self.optionSets[options]))
        try file.verify()
        for (g, group) in groups.enumerated() {
            for (c, column) in group.enumerated() {
                #expect(try file.read(column: c, rowGroup: g) == normalized(column), "column \(c) group \(g)")
                #expect(try file.readDictionary(column: c, rowGroup: g) == nil)
            }
            #expect(
                file.rowGroups[g].columns[1].statistics.nullCount
                    == (0..<group[1].count).filter { group[1].isNull($0) }.count)
            guard case .int64(let ts) = group[0].values else { continue }
            #expect(file.rowGroups[g].columns[0].statistics.min == .int64(ts.min()!))
            #expect(file.rowGroups[g].columns[0].statistics.max == .int64(ts.max()!))
        }
    }

    @Test func chunkMetadataListsTheEncodingsUsed() throws {
        let file = try ParquetFile(
            bytes: try Self.write([Self.rowGroup(rows: 300, seed: 5, nullEvery: 4)], options: .init()))
        let chunks = file.metadata.rowGroups[0].columns
        #expect(chunks[0].encodings == [Wire.deltaBinaryPacked])
        #expect(chunks[1].encodings == [Wire.rle, Wire.deltaBinaryPacked])  // definition levels, values
        #expect(chunks[2].encodings == [Wire.rle, Wire.deltaBinaryPacked])
        #expect(chunks[4].encodings == [Wire.plain])
    }

    @Test func deltaIsMuchSmallerThanPlainForRisingTimes() throws {
        let file = try ParquetFile(
            bytes: try Self.write(
                [Self.rowGroup(rows: 10_000, seed: 6, nullEvery: 0)], options: .init(compression: .none)))
        let delta = file.rowGroups[0].columns[0].compressedSize
        let plain = file.rowGroups[0].columns[4].compressedSize
        #expect(delta * 2 < plain, "delta \(delta) bytes, plain \(plain) bytes")
    }

    @Test func dictionaryTakesPrecedenceUntilItFallsBack() throws {
        let schema = ParquetSchema(fields: [
            ParquetField(name: "t", type: .int64, dictionary: true, encoding: .deltaBinaryPacked)
        ])
        let low = ColumnData(values: .int64((0..<1000).map { Int64($0 % 10) * 1_000_000 }))
        let unique = ColumnData(values: .int64((0..<1000).map { 1_767_225_600_000_000 + Int64($0) * 1_234_567 }))
        let file = try ParquetFile(bytes: try Self.write([[low], [unique]], schema: schema, options: .init()))
        #expect(file.rowGroups[0].columns[0].dictionaryEncoded)
        #expect(file.metadata.rowGroups[0].columns[0].encodings == [Wire.plain, Wire.rleDictionary])
        #expect(!file.rowGroups[1].columns[0].dictionaryEncoded)
        #expect(file.metadata.rowGroups[1].columns[0].encodings == [Wire.deltaBinaryPacked])
        #expect(try file.read(column: 0, rowGroup: 0) == low)
        #expect(try file.read(column: 0, rowGroup: 1) == unique)
    }

    @Test(arguments: [ParquetType.string, .double, .boolean])
    func writerRefusesDeltaOnOtherTypes(type: ParquetType) {
        #expect(throws: ParquetError.self) {
            _ = try ParquetWriter(
                schema: ParquetSchema(fields: [ParquetField(name: "x", type: type, encoding: .deltaBinaryPacked)]))
        }
    }

    /// Where the first miniblock width sits: after the header's 4 varints and the first min delta.
    static func firstWidthIndex(_ body: [UInt8]) -> Int {
        var index = 0
        var varints = 0
        while index < body.count, varints < 5 {
            if body[index] & 0x80 == 0 { varints += 1 }
            index += 1
        }
        return index
    }

    /// Damages a delta page body in place and re-stamps its CRC (so the decoder, not the checksum, must
    /// notice); skips a variant whose new CRC would change the header's length.
    @Test func damagedDeltaPagesBehindAValidChecksumAreCorrupt() throws {
        let original = try Self.write(
            [Self.rowGroup(rows: 400, seed: 8, nullEvery: 0)], options: .init(compression: .none, pageSize: 800))
        let chunk = try ParquetFile(bytes: original).metadata.rowGroups[0].columns[0]
        let start = Int(chunk.dataPageOffset)
        let (thrift, bodyStart) = try ThriftCompactReader.decodeStruct(original, from: start, to: original.count)
        let header = try PageHeader(thrift: thrift)
        #expect(header.encoding == Wire.deltaBinaryPacked)
        #expect(Array(original[bodyStart..<bodyStart + 4]) == [0x80, 0x01, 0x04, 100])  // 800-byte pages: 100 values
        let damages: [(String, (inout [UInt8]) -> Void)] = [
            ("count + 1", { $0[3] = 101 }),
            ("count - 1", { $0[3] = 99 }),
            ("block size 129", { $0[0] = 0x81 }),
            ("no miniblocks", { $0[2] = 0 }),
            ("first width 70", { body in body[Self.firstWidthIndex(body)] = 70 }),
        ]
        var checked = 0
        for (note, damage) in damages {
            var body = Array(original[bodyStart..<bodyStart + Int(header.compressedSize)])
            damage(&body)
            var stamped = header
            stamped.crc = Int32(bitPattern: body.withUnsafeBytes { Gzip.crc32($0) })
            let headerBytes = ThriftCompactWriter.encode(stamped.thrift())
            guard headerBytes.count == bodyStart - start else { continue }
            var bytes = original
            bytes.replaceSubrange(start..<bodyStart, with: headerBytes)
            bytes.replaceSubrange(bodyStart..<bodyStart + body.count, with: body)
            let file = try ParquetFile(bytes: bytes)
            #expect(throws: ParquetError.self, "\(note)") { try file.read(column: 0, rowGroup: 0) }
            do { _ = try file.read(column: 0, rowGroup: 0) } catch {
                #expect(error.code == .corrupt, "\(note): \(error)")
            }
            checked += 1
        }
        #expect(checked >= 3)
    }
}
