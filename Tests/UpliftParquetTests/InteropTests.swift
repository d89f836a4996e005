import Foundation
import TestSupport
import Testing

@testable import UpliftParquet

/// Other engines must read our files unchanged: pyarrow (with page checksums verified) and DuckDB.
/// Runs when a Python with pyarrow and duckdb is found (`UPLIFT_PYTHON` or the package's `.venv`,
/// see `Paths.python()`); otherwise it is skipped.
@Suite struct InteropTests {
    static let python: String? = Paths.python()

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("interop/parquet_check.py").path

    /// A table with every type, required and optional, dictionary and plain, realistic timestamps.
    static func table() -> RandomTable {
        var table = RandomTable.make(seed: 321, rowGroups: 3, maxRows: 400)
        // Timestamps outside year 1..9999 are legal Parquet but not Python datetimes; keep them realistic.
        for g in table.rowGroups.indices {
            for (c, field) in table.schema.fields.enumerated()
            where field.type == .timestampMicros && !field.name.hasPrefix("ts_rising") {
                guard case .int64(let v) = table.rowGroups[g][c].values else { continue }
                table.rowGroups[g][c].values = .int64(v.map { 1_700_000_000_000_000 + ($0 % 100_000_000_000) })
            }
        }
        return table
    }

    static func expectedText(_ column: ColumnData, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.values {
        case .int32(let v): return "\(v[row])"
        case .int64(let v): return "\(v[row])"
        case .double(let v): return "\(v[row])"
        case .boolean(let v): return v[row] ? "true" : "false"
        case .byteArrays(let v): return v.string(at: row)
        }
    }

    /// A UUID column's value as parquet_check.py prints one (whether the engine gives bytes or a UUID).
    static func expectedUUID(_ column: ColumnData, _ row: Int) -> String? {
        guard !column.isNull(row), case .byteArrays(let v) = column.values else { return nil }
        return "bytes:" + v[row].map { String(format: "%02x", $0) }.joined()
    }

    static func matches(_ actual: Any, _ expected: String?, double: Bool) -> Bool {
        guard let expected else { return actual is NSNull }
        guard let actual = actual as? String else { return false }
        if double { return Double(actual) == Double(expected) }
        return actual == expected
    }

    @Test(.enabled(if: python != nil)) func pyarrowAndDuckDBReadOurFiles() throws {
        let table = Self.table()
        let bytes = try table.write(options: .init(pageSize: 1024), metadata: [("uplift.format", "1")])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("uplift-interop-\(getpid()).parquet")
            .path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.script, path]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "parquet_check.py failed: \(errors)")

        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let arrow = try #require(json["pyarrow"] as? [String: Any])
        let duck = try #require(json["duckdb"] as? [String: Any])
        #expect(arrow["created_by"] as? String == "uplift version 0.1.0")
        #expect((arrow["metadata"] as? [String: String])?["uplift.format"] == "1")
        #expect(arrow["num_row_groups"] as? Int == table.rowGroups.count)

        let schema = try #require(arrow["schema"] as? [[String: Any]])
        let arrowColumns = try #require(arrow["columns"] as? [String: [Any]])
        let duckColumns = try #require(duck["columns"] as? [String: [Any]])
        let duckTypes = try #require(duck["types"] as? [String: String])
        let expectedArrowType: [ParquetType: String] = [
            .int32: "int32", .int64: "int64", .double: "double", .boolean: "bool",
            .string: "string", .timestampMicros: "timestamp[us, tz=UTC]", .fixed16: "fixed_size_binary[16]",
        ]
        for (c, field) in table.schema.fields.enumerated() {
            #expect(schema[c]["name"] as? String == field.name)
            #expect(schema[c]["type"] as? String == expectedArrowType[field.type], "\(field.name)")
            #expect(schema[c]["nullable"] as? Bool == field.optional, "\(field.name)")
            if field.type == .timestampMicros { #expect(duckTypes[field.name] == "TIMESTAMP WITH TIME ZONE") }
            if field.type == .fixed16 { #expect(duckTypes[field.name] == "BLOB") }
            let expected = table.rowGroups.flatMap { group in
                (0..<group[c].count).map {
                    field.type == .fixed16 ? Self.expectedUUID(group[c], $0) : Self.expectedText(group[c], $0)
                }
            }
            for (engine, columns) in [("pyarrow", arrowColumns), ("duckdb", duckColumns)] {
                let actual = try #require(columns[field.name], "\(engine) lacks \(field.name)")
                try #require(actual.count == expected.count, "\(engine) \(field.name) row count")
                let mismatches = zip(actual, expected).filter { !Self.matches($0, $1, double: field.type == .double) }
                    .count
                #expect(mismatches == 0, "\(engine) \(field.name): \(mismatches) values differ")
            }
        }

        // pyarrow decodes our statistics the same way we do.
        let stats = try #require(arrow["stats"] as? [[[String: Any]]])
        let file = try ParquetFile(bytes: bytes)
        for (g, group) in file.rowGroups.enumerated() {
            for (c, chunk) in group.columns.enumerated() {
                let theirs = stats[g][c]
                // GZIP, or none where it would not pay (the writer stores such chunks uncompressed).
                let codec = file.metadata.rowGroups[g].columns[c].codec
                #expect(theirs["compression"] as? String == (codec == Wire.gzip ? "GZIP" : "UNCOMPRESSED"))
                #expect(theirs["null_count"] as? Int == chunk.statistics.nullCount)
                // pyarrow sees the encodings we declare: delta columns that kept no dictionary are delta only.
                let field = table.schema.fields[c]
                let encodings = Set(theirs["encodings"] as? [String] ?? [])
                if field.encoding == .deltaBinaryPacked && !chunk.dictionaryEncoded {
                    #expect(
                        encodings.contains("DELTA_BINARY_PACKED") && !encodings.contains("PLAIN"),
                        "\(field.name): \(encodings)")
                } else {
                    #expect(!encodings.contains("DELTA_BINARY_PACKED"), "\(field.name): \(encodings)")
                }
                #expect(theirs["has_min_max"] as? Bool == (chunk.statistics.min != nil))
                guard let min = chunk.statistics.min, let max = chunk.statistics.max else { continue }
                let isDouble = table.schema.fields[c].type == .double
                let isUUID = table.schema.fields[c].type == .fixed16
                #expect(
                    Self.matches(theirs["min"] ?? NSNull(), Self.text(min, uuid: isUUID), double: isDouble),
                    "\(table.schema.fields[c].name) min")
                #expect(
                    Self.matches(theirs["max"] ?? NSNull(), Self.text(max, uuid: isUUID), double: isDouble),
                    "\(table.schema.fields[c].name) max")
            }
        }
    }

    /// Arrow's DELTA_BINARY_PACKED writer and ours must agree: we read pyarrow's delta pages (with nulls,
    /// several pages, wrapping 64-bit deltas) to the values parquet_check.py's `delta_values` wrote.
    @Test(.enabled(if: python != nil)) func weReadPyarrowDeltaFiles() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("uplift-pa-delta-\(getpid()).parquet")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.script, "--write-delta", path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)

        let n = 1000
        let ts = (0..<n).map { (i: Int) -> Int64 in
            let square: Int = i * i * 1_000
            return Int64(1_767_225_600_000_000 + square - (i % 5) * 777)
        }
        let tsValid = (0..<n).map { $0 % 7 != 3 }
        let bases: [Int64] = [.min, .max, 0, -1]
        let wide = (0..<n).map { (i: Int) -> Int64 in bases[i % 4] &+ Int64(i % 9 - 4) }
        let small = (0..<n).map { (i: Int) -> Int32 in Int32((i * 37) % 201 - 100) }
        let smallValid = (0..<n).map { $0 % 11 != 0 }

        let file = try ParquetFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        try file.verify()
        #expect(file.schema.fields.map(\.type) == [.timestampMicros, .int64, .int32])
        #expect(file.metadata.rowGroups[0].columns.allSatisfy { $0.encodings.contains(Wire.deltaBinaryPacked) })
        #expect(try file.read(column: "ts") == normalized(ColumnData(values: .int64(ts), validity: tsValid)))
        #expect(try file.read(column: "wide") == ColumnData(values: .int64(wide)))
        #expect(try file.read(column: "small") == normalized(ColumnData(values: .int32(small), validity: smallValid)))
    }

    static func text(_ value: ParquetValue, uuid: Bool = false) -> String {
        switch value {
        case .int32(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .double(let v): "\(v)"
        case .boolean(let v): v ? "true" : "false"
        case .bytes(let b) where uuid: "bytes:" + b.map { String(format: "%02x", $0) }.joined()
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        }
    }
}
