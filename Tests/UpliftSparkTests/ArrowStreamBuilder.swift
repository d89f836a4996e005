/// Builds Arrow IPC streams by hand, field by field and buffer by buffer, so a test can state exactly
/// the damage it makes (a buffer one value short, offsets that go backwards) instead of patching bytes
/// of a pyarrow fixture at magic positions.
enum ArrowStreamBuilder {
    /// A `Type` union member: its tag and its table.
    struct ArrowTypeSpec: Sendable {
        let tag: UInt8
        let table: FlatObject?
    }

    static func int(_ bitWidth: Int32, signed: Bool = true) -> ArrowTypeSpec {
        ArrowTypeSpec(tag: 2, table: .table([FlatField(0, .int32(bitWidth)), FlatField(1, .uint8(signed ? 1 : 0))]))
    }
    static let null = ArrowTypeSpec(tag: 1, table: .table([]))
    static let double = ArrowTypeSpec(tag: 3, table: .table([FlatField(0, .int16(2))]))
    static let utf8 = ArrowTypeSpec(tag: 5, table: .table([]))
    static let largeUtf8 = ArrowTypeSpec(tag: 20, table: .table([]))
    static let bool = ArrowTypeSpec(tag: 6, table: .table([]))
    static let date64 = ArrowTypeSpec(tag: 8, table: .table([FlatField(0, .int16(1))]))

    static func timestamp(unit: Int16, timezone: String? = nil) -> ArrowTypeSpec {
        var fields = [FlatField(0, .int16(unit))]
        if let timezone { fields.append(FlatField(1, .object(.text(timezone)))) }
        return ArrowTypeSpec(tag: 10, table: .table(fields))
    }

    static func decimal(precision: Int32, scale: Int32, bitWidth: Int32 = 128) -> ArrowTypeSpec {
        ArrowTypeSpec(
            tag: 7,
            table: .table([
                FlatField(0, .int32(precision)), FlatField(1, .int32(scale)), FlatField(2, .int32(bitWidth)),
            ]))
    }

    static func field(
        _ name: String, _ type: ArrowTypeSpec, nullable: Bool = true, rawName: [UInt8]? = nil,
        dictionary: FlatObject? = nil, children: [FlatObject] = []
    ) -> FlatObject {
        var fields = [
            FlatField(0, .object(.string(rawName ?? Array(name.utf8)))),
            FlatField(1, .uint8(nullable ? 1 : 0)),
            FlatField(2, .uint8(type.tag)),
        ]
        if let table = type.table { fields.append(FlatField(3, .object(table))) }
        if let dictionary { fields.append(FlatField(4, .object(dictionary))) }
        if !children.isEmpty { fields.append(FlatField(5, .object(.tables(children)))) }
        return .table(fields)
    }

    /// A framed Message: `header` of union tag `tag` (1 schema, 2 dictionary batch, 3 record batch).
    static func message(
        tag: UInt8, _ header: FlatObject?, body: [UInt8] = [], bodyLength: Int64? = nil, version: Int16 = 4,
        legacy: Bool = false
    ) -> [UInt8] {
        var fields = [FlatField(0, .int16(version)), FlatField(1, .uint8(tag))]
        if let header { fields.append(FlatField(2, .object(header))) }
        fields.append(FlatField(3, .int64(bodyLength ?? Int64(body.count))))
        let metadata = FlatBufferBuilder.encode(.table(fields))
        var out: [UInt8] = legacy ? [] : [0xFF, 0xFF, 0xFF, 0xFF]
        withUnsafeBytes(of: Int32(metadata.count).littleEndian) { out.append(contentsOf: $0) }
        return out + metadata + body
    }

    static func schema(
        _ fields: [FlatObject], endianness: Int16 = 0, version: Int16 = 4, legacy: Bool = false
    ) -> [UInt8] {
        var table = [FlatField(1, .object(.tables(fields)))]
        if endianness != 0 { table.insert(FlatField(0, .int16(endianness)), at: 0) }
        return message(tag: 1, .table(table), version: version, legacy: legacy)
    }

    /// A RecordBatch message over `body`, with its nodes and buffers as given (damaged or not).
    static func batch(
        length: Int64, nodes: [(length: Int64, nulls: Int64)], buffers: [(offset: Int64, length: Int64)],
        body: [UInt8], bodyLength: Int64? = nil, compression: UInt8? = nil, legacy: Bool = false
    ) -> [UInt8] {
        var fields = [
            FlatField(0, .int64(length)),
            FlatField(1, .object(.structs(pairs(nodes.map { ($0.length, $0.nulls) }), count: nodes.count))),
            FlatField(2, .object(.structs(pairs(buffers.map { ($0.offset, $0.length) }), count: buffers.count))),
        ]
        if let compression { fields.append(FlatField(3, .object(.table([FlatField(0, .uint8(compression))])))) }
        return message(tag: 3, .table(fields), body: body, bodyLength: bodyLength, legacy: legacy)
    }

    /// A batch from a `Body` whose columns are all `length` rows long with the given null counts.
    static func batch(length: Int64, nulls: [Int64], _ body: Body) -> [UInt8] {
        batch(length: length, nodes: nulls.map { (length, $0) }, buffers: body.buffers, body: body.bytes)
    }

    static let end: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]

    private static func pairs(_ values: [(Int64, Int64)]) -> [UInt8] {
        var out: [UInt8] = []
        for (first, second) in values {
            withUnsafeBytes(of: first.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: second.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// A record batch body: buffers appended one after another, each padded to 8 bytes.
    struct Body {
        var bytes: [UInt8] = []
        var buffers: [(offset: Int64, length: Int64)] = []

        mutating func add(_ buffer: [UInt8]) {
            buffers.append((Int64(bytes.count), Int64(buffer.count)))
            bytes.append(contentsOf: buffer)
            while bytes.count % 8 != 0 { bytes.append(0) }
        }

        /// A validity bitmap for `valid`, or an empty buffer when `valid` is nil.
        mutating func addValidity(_ valid: [Bool]?) {
            add(valid.map(ArrowStreamBuilder.bits) ?? [])
        }

        mutating func add<T: FixedWidthInteger>(values: [T]) {
            var raw: [UInt8] = []
            for value in values { withUnsafeBytes(of: value.littleEndian) { raw.append(contentsOf: $0) } }
            add(raw)
        }

        /// An int64 column: bitmap (when something is null) and data, zeros in null slots.
        mutating func addInt64(_ values: [Int64?]) {
            addValidity(values.contains(nil) ? values.map { $0 != nil } : nil)
            add(values: values.map { $0 ?? 0 })
        }

        /// A utf8 column: bitmap, 32-bit offsets, data.
        mutating func addStrings(_ values: [String?]) {
            addValidity(values.contains(nil) ? values.map { $0 != nil } : nil)
            var offsets: [Int32] = [0]
            var data: [UInt8] = []
            for value in values {
                data.append(contentsOf: Array((value ?? "").utf8))
                offsets.append(Int32(data.count))
            }
            add(values: offsets)
            add(data)
        }
    }

    static func bits(_ values: [Bool]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (index, value) in values.enumerated() where value { out[index / 8] |= 1 << UInt8(index % 8) }
        return out
    }
}
