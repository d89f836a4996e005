import Testing
import UpliftModel
import UpliftSpark

/// Valid streams that pyarrow does not write but other writers (Spark's Java one among them) may.
@Suite struct ArrowHandBuiltStreamTests {
    typealias S = ArrowStreamBuilder

    @Test func readsAHandBuiltStream() throws {
        var body = S.Body()
        body.addInt64([1, nil, -3])
        body.addStrings(["a", "é", nil])
        let stream =
            S.schema([S.field("n", S.int(64)), S.field("s", S.utf8, nullable: false)])
            + S.batch(length: 3, nulls: [1, 1], body) + S.end
        let table = try ArrowStreamReader.read(stream)
        #expect(table.rowCount == 3)
        #expect(
            table.fields == [
                ArrowField(name: "n", type: .int(bitWidth: 64, signed: true)),
                ArrowField(name: "s", type: .utf8(large: false), nullable: false),
            ])
        #expect(table.columns == [.int64([1, nil, -3]), .string(["a", "é", nil])])
    }

    /// Java's writer always sends a validity bitmap, all ones when nothing is null.
    @Test func fullBitmapWithoutNulls() throws {
        var body = S.Body()
        body.addValidity([true, true, true])
        body.add(values: [Int64(4), 5, 6])
        let table = try ArrowStreamReader.read(
            S.schema([S.field("n", S.int(64))]) + S.batch(length: 3, nulls: [0], body))
        #expect(table.columns == [.int64([4, 5, 6])])
    }

    /// Buffers need not be aligned for this reader (the format asks for 8 bytes; nothing relies on it).
    @Test func unalignedBuffers() throws {
        let data: [UInt8] = [0xAA] + [2, 0, 0, 0, 0, 0, 0, 0] + [0b0000_0101]
        let stream =
            S.schema([S.field("n", S.int(64)), S.field("b", S.bool)])
            + S.batch(length: 1, nodes: [(1, 0), (1, 0)], buffers: [(0, 0), (1, 8), (0, 0), (9, 1)], body: data)
        let table = try ArrowStreamReader.read(stream)
        #expect(table.columns == [.int64([2]), .bool([true])])
    }

    /// A sliced array's offsets may start past zero; the values are still the bytes between offsets.
    @Test func offsetsNotStartingAtZero() throws {
        var body = S.Body()
        body.addValidity(nil)
        body.add(values: [Int32(2), 4, 4, 7])
        body.add(Array("xxabcdefg".utf8))
        let table = try ArrowStreamReader.read(S.schema([S.field("s", S.utf8)]) + S.batch(length: 3, nulls: [0], body))
        #expect(table.columns == [.string(["ab", "", "cde"])])
    }

    @Test func bytesAfterTheEndMarkerAreIgnored() throws {
        var body = S.Body()
        body.addInt64([9])
        let stream = S.schema([S.field("n", S.int(64))]) + S.batch(length: 1, nulls: [0], body) + S.end + [1, 2, 3]
        #expect(try ArrowStreamReader.read(stream).columns == [.int64([9])])
    }

    @Test func legacyFramingEndsAtAZeroLength() throws {
        var body = S.Body()
        body.addInt64([7, nil])
        let stream =
            S.schema([S.field("n", S.int(64))], legacy: true)
            + S.batch(length: 2, nodes: [(2, 1)], buffers: body.buffers, body: body.bytes, legacy: true)
            + [0, 0, 0, 0] + [0xFF]
        #expect(try ArrowStreamReader.read(stream).columns == [.int64([7, nil])])
    }

    /// Types without parameters may come without their (empty) type table.
    @Test func parameterlessTypeWithoutItsTable() throws {
        var body = S.Body()
        body.addStrings(["z"])
        let stream =
            S.schema([S.field("s", S.ArrowTypeSpec(tag: 5, table: nil))]) + S.batch(length: 1, nulls: [0], body)
        #expect(try ArrowStreamReader.read(stream).columns == [.string(["z"])])
    }

    /// The null type has no buffers, so its row count is not bounded by the input: a batch may not
    /// declare more than Int32.max rows, and neither may the batches together.
    @Test func nullColumnsAreBoundedWithoutStorage() throws {
        let schema = S.schema([S.field("nothing", S.null)])
        let huge = S.batch(
            length: Int64(Int32.max), nodes: [(Int64(Int32.max), Int64(Int32.max))], buffers: [], body: [])
        let table = try ArrowStreamReader.read(schema + huge)
        #expect(table.rowCount == Int(Int32.max))
        #expect(table.columns == [.null(count: Int(Int32.max))])
        #expect(table.value(row: Int(Int32.max) - 1, column: 0) == .null)

        let error = #expect(throws: UpliftError.self) { try ArrowStreamReader.read(schema + huge + huge) }
        #expect(error?.code == .unsupported)
        #expect(error?.message.contains("more than 2147483647 rows together") == true)
    }

    @Test func allNullColumn() throws {
        var body = S.Body()
        body.addValidity([false, false])
        body.add(values: [Int64(99), 98])  // garbage in null slots is never read
        let table = try ArrowStreamReader.read(
            S.schema([S.field("n", S.int(64))]) + S.batch(length: 2, nulls: [2], body))
        #expect(table.columns == [.int64([nil, nil])])
    }

    @Test func nullSlotsAreNotValidatedAsUTF8() throws {
        var body = S.Body()
        body.addValidity([true, false])
        body.add(values: [Int32(0), 1, 3])
        body.add([0x61, 0xC3, 0x28])
        let table = try ArrowStreamReader.read(S.schema([S.field("s", S.utf8)]) + S.batch(length: 2, nulls: [1], body))
        #expect(table.columns == [.string(["a", nil])])
    }

    @Test func duplicateColumnNamesResolveToTheFirst() throws {
        var body = S.Body()
        body.addInt64([1])
        body.addInt64([2])
        let stream =
            S.schema([S.field("x", S.int(64)), S.field("x", S.int(64))]) + S.batch(length: 1, nulls: [0, 0], body)
        let table = try ArrowStreamReader.read(stream)
        #expect(table.value(row: 0, column: "x") == .int(1))
        #expect(table.value(row: 0, column: 1) == .int(2))
        #expect(table.value(row: 0, column: "y") == nil)
    }
}
