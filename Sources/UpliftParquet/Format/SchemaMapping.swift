/// Maps our column types onto parquet.thrift's physical, converted and logical types, and back.
package enum SchemaMapping {
    static func physical(_ type: ParquetType) -> Int32 {
        switch type {
        case .int32: Wire.int32
        case .int64, .timestampMicros: Wire.int64
        case .double: Wire.double
        case .boolean: Wire.boolean
        case .string: Wire.byteArray
        case .fixed16: Wire.fixedLenByteArray
        }
    }

    static func element(_ field: ParquetField) -> SchemaElement {
        var converted: Int32?
        var logical: ThriftStruct?
        switch field.type {
        case .string:
            converted = Wire.utf8
            logical = ThriftStruct([(1, .structure(ThriftStruct()))])  // LogicalType.STRING
        case .timestampMicros:
            converted = Wire.timestampMicros
            let unit = ThriftStruct([(2, .structure(ThriftStruct()))])  // TimeUnit.MICROS
            let timestamp = ThriftStruct([(1, .bool(true)), (2, .structure(unit))])
            logical = ThriftStruct([(8, .structure(timestamp))])  // LogicalType.TIMESTAMP
        default:
            break
        }
        return SchemaElement(
            type: physical(field.type), repetition: field.optional ? Wire.optional : Wire.required,
            name: field.name, numChildren: nil, convertedType: converted, logicalType: logical,
            typeLength: field.type == .fixed16 ? 16 : nil
        )
    }

    /// The flat schema of a footer; nested or unsupported columns are `.unsupported`.
    static func schema(_ elements: [SchemaElement]) throws(ParquetError) -> ParquetSchema {
        guard let root = elements.first, let children = root.numChildren, Int(children) == elements.count - 1 else {
            throw ParquetError(.unsupported, "only flat schemas (a root and leaf columns) are supported")
        }
        var fields: [ParquetField] = []
        for element in elements.dropFirst() {
            guard element.numChildren == nil || element.numChildren == 0, let physical = element.type else {
                throw ParquetError(.unsupported, "nested column \(element.name) is not supported")
            }
            let optional: Bool
            switch element.repetition {
            case Wire.required: optional = false
            case Wire.optional: optional = true
            default: throw ParquetError(.unsupported, "repeated column \(element.name) is not supported")
            }
            let type: ParquetType
            switch physical {
            case Wire.int32: type = .int32
            case Wire.int64:
                let isTimestamp =
                    element.convertedType == Wire.timestampMicros || isMicrosTimestamp(element.logicalType)
                type = isTimestamp ? .timestampMicros : .int64
            case Wire.double: type = .double
            case Wire.boolean: type = .boolean
            case Wire.byteArray: type = .string
            // 16 bytes with no annotation, or annotated UUID (not a DECIMAL, FLOAT16 or other annotation).
            case Wire.fixedLenByteArray
            where element.typeLength == 16 && element.convertedType == nil
                && (element.logicalType.map { $0[14] != nil } ?? true):
                type = .fixed16
            default:
                throw ParquetError(.unsupported, "column \(element.name) has unsupported physical type \(physical)")
            }
            fields.append(ParquetField(name: element.name, type: type, optional: optional))
        }
        return ParquetSchema(fields: fields)
    }

    private static func isMicrosTimestamp(_ logical: ThriftStruct?) -> Bool {
        guard case .structure(let timestamp)? = logical?[8], case .structure(let unit)? = timestamp[2] else {
            return false
        }
        return unit[2] != nil
    }
}
