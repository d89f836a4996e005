import UpliftModel

/// Reads a Schema message's fields into `ArrowField`s, refusing up front what the column decoder
/// cannot read (nested, dictionary-encoded and exotic types, big-endian data), so a refusal names the
/// column and its type before any record batch is touched.
enum ArrowSchemaDecoder {
    // Schema: endianness (0), fields (1), custom_metadata (2), features (3).
    // Field: name (0), nullable (1), type_type (2), type (3), dictionary (4), children (5), custom_metadata (6).
    static func fields(of schema: FlatTable) throws(UpliftError) -> [ArrowField] {
        let endianness = try schema.int16(0)
        guard endianness == 0 else {
            if endianness == 1 {
                throw UpliftError(
                    .unsupported, "Arrow stream: the schema declares big-endian data; only little-endian is read")
            }
            throw UpliftError(.corrupt, "Arrow stream: the schema declares an unknown endianness \(endianness)")
        }
        guard let vector = try schema.vector(1, elementSize: 4, "the schema's field list") else { return [] }
        var fields: [ArrowField] = []
        fields.reserveCapacity(vector.count)
        for index in 0..<vector.count {
            fields.append(try field(vector.table(index, name: "field \(index + 1)"), index: index))
        }
        return fields
    }

    private static func field(_ table: FlatTable, index: Int) throws(UpliftError) -> ArrowField {
        let name = try table.string(0, "the name of field \(index + 1)") ?? ""
        let label = "column \(UpliftError.quote(name))"
        if try table.has(4) {
            throw UpliftError(
                .unsupported,
                "Arrow stream: \(label) is dictionary-encoded, which Uplift does not read; cast it to a plain type")
        }
        let type = try type(tag: table.uint8(2), table.table(3, name: "the type of field \(index + 1)"), label)
        let children = try table.vector(5, elementSize: 4, "the children of field \(index + 1)")
        if let children, children.count > 0 {
            throw UpliftError(.corrupt, "Arrow stream: \(label) (\(type)) has child fields, which its type cannot have")
        }
        return ArrowField(name: name, type: type, nullable: try table.bool(1))
    }

    /// The type from the `Type` union's tag and table (absent for parameterless types in some writers).
    private static func type(tag: UInt8, _ table: FlatTable?, _ label: String) throws(UpliftError) -> ArrowType {
        func int16(_ id: Int, default value: Int16 = 0) throws(UpliftError) -> Int16 {
            try table?.int16(id, default: value) ?? value
        }
        func int32(_ id: Int, default value: Int32 = 0) throws(UpliftError) -> Int32 {
            try table?.int32(id, default: value) ?? value
        }
        switch tag {
        case 0:
            throw UpliftError(.corrupt, "Arrow stream: \(label) has no type")
        case 1:
            return .null
        case 2:
            // Int: bitWidth (0), is_signed (1).
            let bitWidth = try int32(0)
            guard [8, 16, 32, 64].contains(bitWidth) else {
                throw UpliftError(.corrupt, "Arrow stream: \(label) is an integer of \(bitWidth) bits")
            }
            return .int(bitWidth: Int(bitWidth), signed: try table?.bool(1) ?? false)
        case 3:
            // FloatingPoint: precision (0): HALF, SINGLE, DOUBLE.
            switch try int16(0) {
            case 0: throw unsupported(label, "halffloat")
            case 1: return .float
            case 2: return .double
            case let precision:
                throw UpliftError(
                    .corrupt, "Arrow stream: \(label) has an unknown floating-point precision \(precision)")
            }
        case 4, 19: return .binary(large: tag == 19)
        case 5, 20: return .utf8(large: tag == 20)
        case 6: return .bool
        case 7:
            return try decimal(precision: int32(0), scale: int32(1), bitWidth: int32(2, default: 128), label)
        case 8:
            // Date: unit (0), MILLISECOND by default.
            let raw = try int16(0, default: 1)
            guard let unit = ArrowType.DateUnit(rawValue: raw) else {
                throw UpliftError(.corrupt, "Arrow stream: \(label) has an unknown date unit \(raw)")
            }
            return .date(unit: unit)
        case 10:
            // Timestamp: unit (0), timezone (1); an empty zone means none, as the format says.
            let raw = try int16(0)
            guard let unit = ArrowType.TimeUnit(rawValue: raw) else {
                throw UpliftError(.corrupt, "Arrow stream: \(label) has an unknown time unit \(raw)")
            }
            let zone = try table?.string(1, "the time zone of \(label)")
            return .timestamp(unit: unit, timezone: zone?.isEmpty == false ? zone : nil)
        default:
            guard let name = unsupportedNames[Int(tag)] else {
                throw UpliftError(
                    .unsupported, "Arrow stream: \(label) is of a type this reader does not know (union tag \(tag))")
            }
            throw unsupported(label, name)
        }
    }

    // Decimal: precision (0), scale (1), bitWidth (2).
    private static func decimal(
        precision: Int32, scale: Int32, bitWidth: Int32, _ label: String
    ) throws(UpliftError) -> ArrowType {
        guard bitWidth == 128 else {
            guard [32, 64, 256].contains(bitWidth) else {
                throw UpliftError(.corrupt, "Arrow stream: \(label) is a decimal of \(bitWidth) bits")
            }
            throw unsupported(label, "decimal\(bitWidth)(\(precision), \(scale))")
        }
        guard (1...38).contains(precision) else {
            throw UpliftError(.corrupt, "Arrow stream: \(label) is a decimal128 of precision \(precision)")
        }
        // Any scale is legal Arrow, but past ±38 no 38-digit value means anything useful, and a bound
        // keeps the decimal's text rendering small.
        guard (-38...38).contains(scale) else {
            throw unsupported(label, "decimal128(\(precision), \(scale)) with a scale outside -38...38")
        }
        return .decimal(precision: precision, scale: scale)
    }

    private static func unsupported(_ label: String, _ type: String) -> UpliftError {
        UpliftError(
            .unsupported,
            "Arrow stream: \(label) is of type \(type), which Uplift does not read (it reads null, integer, float, "
                + "double, bool, string, binary, timestamp, date and decimal128 columns); cast it in the query")
    }

    /// The `Type` union's other members, named as pyarrow names them.
    private static let unsupportedNames: [Int: String] = [
        9: "time", 11: "interval", 12: "list", 13: "struct", 14: "union", 15: "fixed_size_binary",
        16: "fixed_size_list", 17: "map", 18: "duration", 21: "large_list", 22: "run_end_encoded",
        23: "binary_view", 24: "string_view", 25: "list_view", 26: "large_list_view",
    ]
}
