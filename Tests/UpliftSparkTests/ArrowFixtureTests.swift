import Testing
import UpliftModel

@testable import UpliftSpark

/// Streams written by pyarrow decode to the values pyarrow itself reads back from them.
@Suite struct ArrowFixtureTests {
    @Test(arguments: ArrowFixtures.tables)
    func decodesAsPyarrowDoes(_ name: String) throws {
        let expected = try #require(ArrowFixtures.expected[name])
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes(name))
        let fields = try #require(expected.fields)
        #expect(table.fields.map(\.name) == fields.map(\.name))
        #expect(table.fields.map(\.type.description) == fields.map(\.type))
        #expect(table.fields.map(\.nullable) == fields.map(\.nullable))
        #expect(table.rowCount == expected.rowCount)
        let columns = try #require(expected.columns)
        try #require(table.columns.count == columns.count)
        for (index, values) in columns.enumerated() {
            let column = table.columns[index]
            try #require(column.count == values.count, "column \(table.fields[index].name)")
            for (row, value) in values.enumerated() {
                #expect(
                    ArrowFixtures.matches(column[row], value),
                    "\(name): \(table.fields[index].name) row \(row) is \(column[row]), expected \(value ?? "null")")
            }
        }
    }

    @Test(arguments: ArrowFixtures.refusals)
    func refusesWithAClearError(_ name: String) throws {
        let failure = try #require(ArrowFixtures.expected[name]?.error)
        let error = #expect(throws: UpliftError.self) { try ArrowStreamReader.read(ArrowFixtures.bytes(name)) }
        #expect(error?.code.description == failure.code, "\(error?.description ?? "")")
        for part in failure.contains {
            #expect(error?.message.contains(part) == true, "\(error?.message ?? "") lacks \(part)")
        }
    }

    /// Cut anywhere, a stream must either be refused as corrupt or — cut exactly between messages —
    /// read as the shorter stream it then is: the batches before the cut, nothing invented.
    @Test(arguments: ArrowFixtures.tables)
    func everyTruncationIsRefusedOrAShorterStream(_ name: String) throws {
        let bytes = ArrowFixtures.bytes(name)
        let full = try ArrowStreamReader.read(bytes)
        let boundaries = Dictionary(
            uniqueKeysWithValues: try #require(ArrowFixtures.expected[name]?.boundaries).map { ($0[0], $0[1]) })
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            if let rows = boundaries[cut] {
                let table = try ArrowStreamReader.read(prefix)
                #expect(table.rowCount == rows, "\(name) cut at \(cut)")
                #expect(table.fields == full.fields)
                for (column, fullColumn) in zip(table.columns, full.columns) {
                    #expect(column.count == rows)
                    for row in 0..<min(rows, column.count) {
                        #expect(ArrowFixtures.render(column[row]) == ArrowFixtures.render(fullColumn[row]))
                    }
                }
            } else {
                let error = #expect(throws: UpliftError.self, "\(name) cut at \(cut)") {
                    try ArrowStreamReader.read(prefix)
                }
                #expect(error?.code == .corrupt, "\(name) cut at \(cut): \(error?.description ?? "")")
            }
        }
    }

    /// pyarrow leaves out the validity bitmap of a column without nulls; this fixture must really
    /// exercise that path, or the test above proves nothing about it.
    @Test func noValidityFixtureHasNoBitmaps() throws {
        var messages = ArrowMessageReader(ArrowFixtures.bytes("no_validity"))
        let schemaMessage = try #require(try messages.next())
        guard case .schema(let schema) = schemaMessage.header else {
            Issue.record("first message is not a schema")
            return
        }
        let fields = try ArrowSchemaDecoder.fields(of: schema)
        let message = try #require(try messages.next())
        guard case .recordBatch(let table) = message.header else {
            Issue.record("second message is not a record batch")
            return
        }
        let batch = try ArrowRecordBatch(table, body: message.body, number: 1, fields: fields)
        var buffer = 0
        for field in fields {
            #expect(batch.buffers[buffer].isEmpty, "\(field.name) has a validity bitmap")
            buffer += field.type.bufferCount
        }
        #expect(batch.nodes.allSatisfy { $0.nullCount == 0 })
    }

    @Test func emptyResultHasTypedEmptyColumns() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("empty"))
        #expect(table.rowCount == 0)
        #expect(table.columns == [.string([]), .date([]), .int64([]), .double([])])
        #expect(table.rows.isEmpty)
    }

    @Test func batchesConcatenateInOrder() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("multi_batch"))
        #expect(table.rowCount == 6)
        #expect(table.column(named: "users") == .int64([10, 20, 30, 7, 0, 123_456_789]))
        #expect(table.column(named: "event") == .string(["signup", nil, "checkout ✓", "login", "logout", "pageview"]))
        #expect(table.column(named: "day") == .date([20000, 20001, nil, nil, 19999, 20100]))
    }

    @Test func legacyFramingReadsLikeTheCurrentOne() throws {
        let legacy = try ArrowStreamReader.read(ArrowFixtures.bytes("legacy"))
        #expect(ArrowFixtures.bytes("legacy").prefix(4) != [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(legacy.column(named: "event") == .string(["a", nil, "ü"]))
        #expect(legacy.column(named: "avg") == .double([0.5, nil, 6.0]))
    }

    @Test func timestampsKeepTheirZoneAndBecomeMicroseconds() throws {
        let table = try ArrowStreamReader.read(ArrowFixtures.bytes("temporal"))
        let zones = table.fields.map { field -> String? in
            if case .timestamp(_, let zone) = field.type { return zone }
            return nil
        }
        #expect(zones == [nil, nil, nil, nil, "UTC", "Europe/Paris", "+05:30", nil, nil])
        // -1_001 ns (just before 1970) rounds down to -2 µs, not towards zero to -1.
        #expect(table.value(row: 3, column: "ts_ns") == .timestamp(microseconds: -2))
        #expect(table.value(row: 0, column: "ts_us_utc") == .timestamp(microseconds: 1_735_734_645_123_456))
        #expect(table.value(row: 4, column: "d64") == .date(days: -3))
    }
}
