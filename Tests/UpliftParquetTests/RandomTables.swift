import TestSupport
import UpliftParquet

/// A generated table: a schema and its row groups, in the shapes the writer takes.
struct RandomTable {
    var schema: ParquetSchema
    var rowGroups: [[ColumnData]]

    static let words = [
        "", "a", "pageview", "signup", "checkout ✓", "日本語", "emoji 🎉", "x\u{0}y", String(repeating: "long", count: 40),
    ]

    static func make(seed: UInt64, rowGroups: Int = 3, maxRows: Int = 500, allNull: Bool = false) -> RandomTable {
        var rng = SeededRandom(seed: seed)
        var fields: [ParquetField] = []
        for type in ParquetType.allCases {
            for optional in [false, true] {
                fields.append(
                    ParquetField(
                        name: "\(type)_\(optional ? "opt" : "req")", type: type, optional: optional,
                        dictionary: type == .string || type == .int64))
            }
        }
        fields.append(ParquetField(name: "string_unique", type: .string, optional: true, dictionary: true))
        fields.append(ParquetField(name: "int64_low", type: .int64, optional: false, dictionary: true))
        // DELTA_BINARY_PACKED: full-range values (64-bit deltas that wrap), rising times, and a dictionary
        // that falls back to delta rather than PLAIN.
        fields.append(ParquetField(name: "int64_delta", type: .int64, optional: true, encoding: .deltaBinaryPacked))
        fields.append(ParquetField(name: "int32_delta", type: .int32, optional: false, encoding: .deltaBinaryPacked))
        fields.append(ParquetField(name: "int32_delta_opt", type: .int32, optional: true, encoding: .deltaBinaryPacked))
        fields.append(
            ParquetField(name: "ts_rising", type: .timestampMicros, optional: true, encoding: .deltaBinaryPacked))
        fields.append(
            ParquetField(
                name: "ts_rising_req", type: .timestampMicros, optional: false, dictionary: true,
                encoding: .deltaBinaryPacked))
        let schema = ParquetSchema(fields: fields)
        var groups: [[ColumnData]] = []
        for _ in 0..<rowGroups {
            let rows = Int.random(in: 1...maxRows, using: &rng)
            let nullRate = [0.0, 0.1, 0.5, 0.95].randomElement(using: &rng)!
            groups.append(
                fields.map { field in
                    column(field, rows: rows, nullRate: allNull ? 1.0 : nullRate, rng: &rng)
                })
        }
        return RandomTable(schema: schema, rowGroups: groups)
    }

    static func column(_ field: ParquetField, rows: Int, nullRate: Double, rng: inout SeededRandom) -> ColumnData {
        var validity: [Bool]? = nil
        if field.optional {
            validity = (0..<rows).map { _ in Double.random(in: 0..<1, using: &rng) >= nullRate }
        }
        func isNull(_ row: Int) -> Bool { !(validity?[row] ?? true) }
        let values: ColumnValues
        switch field.type {
        case .int32:
            values = .int32((0..<rows).map { isNull($0) ? 0 : Int32.random(in: .min ... .max, using: &rng) })
        case .int64, .timestampMicros:
            if field.name.hasPrefix("ts_rising") {
                var t: Int64 = 1_767_225_600_000_000
                values = .int64(
                    (0..<rows).map {
                        t += Int64.random(in: -1_000...600_000_000, using: &rng)
                        return isNull($0) ? 0 : t
                    })
                break
            }
            let low = field.name.hasSuffix("low")
            values = .int64(
                (0..<rows).map {
                    isNull($0)
                        ? 0 : low ? Int64.random(in: -3...3, using: &rng) : Int64.random(in: .min ... .max, using: &rng)
                })
        case .double:
            values = .double(
                (0..<rows).map {
                    isNull($0)
                        ? 0 : [Double.random(in: -1e9...1e9, using: &rng), 0, -0.0, 1.5].randomElement(using: &rng)!
                })
        case .boolean:
            values = .boolean((0..<rows).map { isNull($0) ? false : Bool.random(using: &rng) })
        case .string:
            var arrays = ByteArrays()
            for row in 0..<rows {
                if isNull(row) {
                    arrays.appendEmpty()
                } else if field.name.hasSuffix("unique") {
                    arrays.append("id-\(UInt32.random(in: 0 ... .max, using: &rng))")
                } else {
                    arrays.append(words.randomElement(using: &rng)!)
                }
            }
            values = .byteArrays(arrays)
        case .fixed16:
            var arrays = ByteArrays()
            for row in 0..<rows {
                if isNull(row) {
                    arrays.appendEmpty()
                } else {
                    // Bytes from 0x00 to 0xff: statistics must order them unsigned.
                    arrays.append(contentsOf: (0..<16).map { _ in UInt8.random(in: 0 ... .max, using: &rng) })
                }
            }
            values = .byteArrays(arrays)
        }
        if let v = validity, !v.contains(false) { validity = nil }
        return ColumnData(values: values, validity: validity)
    }

    func write(
        options: ParquetWriter.Options = .init(), metadata: [(key: String, value: String)] = []
    ) throws -> [UInt8] {
        var writer = try ParquetWriter(schema: schema, options: options, keyValueMetadata: metadata)
        for group in rowGroups { try writer.append(rowGroup: group) }
        return writer.finish()
    }
}
