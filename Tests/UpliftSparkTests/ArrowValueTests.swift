import Testing
import UpliftSpark

/// The accessors that turn decoded rows into answers.
@Suite struct ArrowValueTests {
    struct DecimalCase: Sendable, CustomTestStringConvertible {
        let unscaled: Int128
        let scale: Int32
        let text: String
        let int64: Int64?
        let double: Double

        var testDescription: String { text }
    }

    static let decimals: [DecimalCase] = [
        DecimalCase(unscaled: 1234, scale: 2, text: "12.34", int64: nil, double: 12.34),
        DecimalCase(unscaled: -1, scale: 2, text: "-0.01", int64: nil, double: -0.01),
        DecimalCase(unscaled: 0, scale: 2, text: "0.00", int64: 0, double: 0),
        DecimalCase(unscaled: 1200, scale: 2, text: "12.00", int64: 12, double: 12),
        DecimalCase(unscaled: 5, scale: 4, text: "0.0005", int64: nil, double: 0.0005),
        DecimalCase(unscaled: 123, scale: -2, text: "12300", int64: 12300, double: 12300),
        DecimalCase(unscaled: 0, scale: -2, text: "0", int64: 0, double: 0),
        DecimalCase(unscaled: 42, scale: 0, text: "42", int64: 42, double: 42),
        DecimalCase(
            unscaled: Int128(Int64.max) + 1, scale: 0, text: "9223372036854775808", int64: nil,
            double: 9_223_372_036_854_775_808),
        DecimalCase(
            unscaled: Int128(Int64.min), scale: 0, text: "-9223372036854775808", int64: .min,
            double: -9.223372036854775808e18),
        DecimalCase(
            unscaled: Int128("-99999999999999999999999999999999999999")!, scale: 38,
            text: "-0.99999999999999999999999999999999999999", int64: nil, double: -1),
    ]

    @Test(arguments: decimals)
    func decimal(_ c: DecimalCase) {
        let value = ArrowDecimal(unscaled: c.unscaled, scale: c.scale)
        #expect(value.description == c.text)
        #expect(value.int64 == c.int64)
        #expect(value.double == c.double)
        #expect(ArrowValue.decimal(value).int64 == c.int64)
    }

    @Test func conversions() {
        #expect(ArrowValue.int(-5).int64 == -5)
        #expect(ArrowValue.int(-5).double == -5)
        #expect(ArrowValue.uint(.max).int64 == nil)
        #expect(ArrowValue.uint(7).int64 == 7)
        #expect(ArrowValue.double(2.5).int64 == nil)
        #expect(ArrowValue.double(2.5).double == 2.5)
        #expect(ArrowValue.string("x").string == "x")
        #expect(ArrowValue.string("1").int64 == nil)
        #expect(ArrowValue.bool(true).bool == true)
        #expect(ArrowValue.null.isNull)
        #expect(ArrowValue.null.int64 == nil && ArrowValue.null.double == nil && ArrowValue.null.string == nil)
        #expect(ArrowValue.timestamp(microseconds: 5).int64 == nil)
        #expect(ArrowValue.binary([0x0F, 0xA0]).description == "0fa0")
    }

    @Test func decimalFixtureReadsAsText() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("decimal"))
        let text = { (name: String) in (0..<table.rowCount).map { table.value(row: $0, column: name)?.description } }
        #expect(text("price") == ["12.34", "-0.01", "null", "99999999.99", "0.00"])
        #expect(text("hundreds") == ["12300", "-100", "null", "0", "9999900"])
        #expect(table.value(row: 0, column: "big")?.description == String(repeating: "9", count: 38))
        #expect(table.value(row: 4, column: "big")?.int64 == nil)  // 2^64 does not fit
        #expect(table.value(row: 0, column: "tiny")?.description == "0.0000000001")
        #expect(table.fields.first?.type == .decimal(precision: 10, scale: 2))
    }

    /// The shape of a Spark aggregate, read the way a caller turns it into an answer.
    @Test func rowsOfAnAggregate() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("multi_batch"))
        let answer = table.rows.compactMap { row -> (String, Int64, Double?)? in
            guard let event = row[0].string, let users = row[2].int64 else { return nil }
            return (event, users, row[3].double)
        }
        #expect(answer.map(\.0) == ["signup", "checkout ✓", "login", "logout", "pageview"])
        #expect(answer.map(\.1) == [10, 30, 7, 0, 123_456_789])
        #expect(answer.map(\.2) == [1.5, 2.25, nil, 0.0, -3.75])
        #expect(table.columnIndex(named: "avg") == 3)
        #expect(table.column(named: "missing") == nil)
        #expect(table.row(1) == [.null, .date(days: 20001), .int(20), .null])
    }

    @Test func integerWidthsWidenAndKeepTheirDeclaredType() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("primitives"))
        #expect(
            table.fields.map(\.type.description).prefix(8) == [
                "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
            ])
        guard case .int32 = try #require(table.column(named: "i8")) else {
            Issue.record("int8 does not decode to int32")
            return
        }
        guard case .int64 = try #require(table.column(named: "u32")) else {
            Issue.record("uint32 does not decode to int64")
            return
        }
        #expect(table.value(row: 1, column: "u64") == .uint(.max))
        #expect(table.value(row: 1, column: "u32")?.int64 == 4_294_967_295)
        #expect(table.value(row: 0, column: "f32") == .double(0.5))
        #expect(table.value(row: 3, column: "flag")?.bool == true)
    }
}
