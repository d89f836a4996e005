import Testing
import UpliftModel
import UpliftSpark

/// One hand-built stream with one thing wrong, and the error it must produce.
struct DamagedStream: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let code: UpliftError.Code
    /// Text the message must contain: what is wrong and where.
    let message: String

    var testDescription: String { name }
}

/// Each kind of damage, built by hand so the test says exactly what is wrong, must be refused with
/// the right code and a message that locates it.
@Suite struct ArrowDamagedStreamTests {
    typealias S = ArrowStreamBuilder

    static let int64Schema = S.schema([S.field("n", S.int(64))])
    static let stringSchema = S.schema([S.field("s", S.utf8)])

    /// A one-column int64 stream whose batch is built from `body` with `length` rows and `nulls` nulls.
    static func int64Stream(length: Int64 = 3, nulls: Int64 = 1, _ build: (inout S.Body) -> Void) -> [UInt8] {
        var body = S.Body()
        build(&body)
        return int64Schema + S.batch(length: length, nulls: [nulls], body) + S.end
    }

    static func stringStream(offsets: [Int32], data: [UInt8], length: Int64, large: Bool = false) -> [UInt8] {
        var body = S.Body()
        body.addValidity(nil)
        if large { body.add(values: offsets.map { Int64($0) }) } else { body.add(values: offsets) }
        body.add(data)
        let schema = large ? S.schema([S.field("s", S.largeUtf8)]) : stringSchema
        return schema + S.batch(length: length, nulls: [0], body) + S.end
    }

    static func refusedField(_ type: S.ArrowTypeSpec, children: [FlatObject] = []) -> [UInt8] {
        S.schema([S.field("x", type, children: children)]) + S.end
    }

    static let cases: [DamagedStream] = [
        DamagedStream(name: "empty input", bytes: [], code: .corrupt, message: "no schema message"),
        DamagedStream(name: "only an end marker", bytes: S.end, code: .corrupt, message: "no schema message"),
        DamagedStream(
            name: "huge metadata length",
            bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + [UInt8](repeating: 0, count: 64),
            code: .corrupt, message: "message 1 declares 2147483647 bytes of metadata but only 64 remain"),
        DamagedStream(
            name: "negative metadata length", bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFB, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4],
            code: .corrupt, message: "declares -5 bytes of metadata"),
        DamagedStream(
            name: "legacy huge metadata length", bytes: [0x00, 0x00, 0x00, 0x40, 1, 2, 3, 4],
            code: .corrupt, message: "declares 1073741824 bytes of metadata but only 4 remain"),
        DamagedStream(
            name: "metadata root points outside",
            bytes: [0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 0xF0, 0, 0, 0, 0, 0, 0, 0],
            code: .corrupt, message: "the metadata of message 1 is damaged"),
        DamagedStream(
            name: "end of input inside the end marker", bytes: int64Schema + [0xFF, 0xFF, 0xFF, 0xFF], code: .corrupt,
            message: "inside the length prefix of message 2"),
        DamagedStream(
            name: "body longer than the input",
            bytes: int64Schema
                + S.batch(length: 0, nodes: [(0, 0)], buffers: [(0, 0), (0, 0)], body: [], bodyLength: 1 << 40),
            code: .corrupt, message: "message 2 declares a body of 1099511627776 bytes but only 0 remain"),
        DamagedStream(
            name: "negative body length",
            bytes: int64Schema
                + S.batch(length: 0, nodes: [(0, 0)], buffers: [(0, 0), (0, 0)], body: [], bodyLength: -8),
            code: .corrupt, message: "declares a body of -8 bytes"),
        DamagedStream(
            name: "buffer past the body",
            bytes: int64Schema
                + S.batch(length: 1, nodes: [(1, 0)], buffers: [(0, 0), (8, 8)], body: [UInt8](repeating: 0, count: 8)),
            code: .corrupt, message: "buffer 2 of record batch 1 (8 bytes at offset 8) lies outside its body of 8 bytes"
        ),
        DamagedStream(
            name: "buffer offset and length overflow",
            bytes: int64Schema
                + S.batch(
                    length: 1, nodes: [(1, 0)], buffers: [(0, 0), (.max, .max)], body: [UInt8](repeating: 0, count: 8)),
            code: .corrupt, message: "lies outside its body"),
        DamagedStream(
            name: "negative buffer length",
            bytes: int64Schema
                + S.batch(
                    length: 1, nodes: [(1, 0)], buffers: [(0, 0), (0, -8)], body: [UInt8](repeating: 0, count: 8)),
            code: .corrupt, message: "buffer 2 of record batch 1"),
        DamagedStream(
            name: "data buffer short of the declared rows",
            bytes: int64Stream(length: 5, nulls: 0) { body in
                body.addValidity(nil)
                body.add(values: [Int64(1), 2, 3])
            },
            code: .corrupt,
            message: "column 'n' (int64) in record batch 1 declares 5 rows but its data buffer holds 3"),
        DamagedStream(
            name: "a billion rows over a few bytes",
            bytes: int64Stream(length: 1_000_000_000, nulls: 0) { body in
                body.addValidity(nil)
                body.add(values: [Int64(1)])
            },
            code: .corrupt, message: "declares 1000000000 rows but its data buffer holds 1"),
        DamagedStream(
            name: "more rows than a batch may hold",
            bytes: int64Stream(length: .max, nulls: 0) { $0.addValidity(nil) },
            code: .corrupt, message: "record batch 1 declares 9223372036854775807 rows"),
        DamagedStream(
            name: "negative row count", bytes: int64Stream(length: -1, nulls: 0) { $0.addValidity(nil) },
            code: .corrupt, message: "record batch 1 declares -1 rows"),
        DamagedStream(
            name: "validity bitmap too short",
            bytes: int64Stream(length: 20, nulls: 1) { body in
                body.add([0xFE])
                body.add(values: [Int64](repeating: 7, count: 20))
            },
            code: .corrupt, message: "declares 20 rows but its validity bitmap holds 8 bits"),
        DamagedStream(
            name: "null count disagrees with the bitmap",
            bytes: int64Stream(length: 3, nulls: 2) { body in
                body.addValidity([true, false, true])
                body.add(values: [Int64(1), 0, 3])
            },
            code: .corrupt, message: "declares 2 nulls but its validity bitmap marks 1"),
        DamagedStream(
            name: "nulls without a bitmap",
            bytes: int64Stream(length: 3, nulls: 1) { body in
                body.addValidity(nil)
                body.add(values: [Int64(1), 0, 3])
            },
            code: .corrupt, message: "declares 1 nulls but has no validity bitmap"),
        DamagedStream(
            name: "more nulls than rows",
            bytes: int64Stream(length: 3, nulls: 4) { body in
                body.addValidity([false, false, false])
                body.add(values: [Int64(1), 0, 3])
            },
            code: .corrupt, message: "declares 4 nulls in 3 rows"),
        DamagedStream(
            name: "node length differs from the batch",
            bytes: int64Schema
                + S.batch(
                    length: 2, nodes: [(3, 0)], buffers: [(0, 0), (0, 24)], body: [UInt8](repeating: 0, count: 24)),
            code: .corrupt, message: "column 'n' (int64) has 3 rows in record batch 1 of 2 rows"),
        DamagedStream(
            name: "a node missing",
            bytes: int64Schema + S.batch(length: 0, nodes: [], buffers: [(0, 0), (0, 0)], body: []),
            code: .corrupt, message: "record batch 1 has 0 field nodes but the schema has 1 columns"),
        DamagedStream(
            name: "a buffer missing",
            bytes: int64Schema + S.batch(length: 0, nodes: [(0, 0)], buffers: [(0, 0)], body: []),
            code: .corrupt, message: "record batch 1 has 1 buffers but its columns need 2"),
        DamagedStream(
            name: "string offsets going backwards",
            bytes: stringStream(offsets: [0, 3, 1, 4], data: Array("abcd".utf8), length: 3),
            code: .corrupt, message: "column 's' (string) in record batch 1 has offset 2 at 1, outside 3...4"),
        DamagedStream(
            name: "string offset past its data",
            bytes: stringStream(offsets: [0, 2, 99], data: Array("abcd".utf8), length: 2),
            code: .corrupt, message: "has offset 2 at 99"),
        DamagedStream(
            name: "negative first offset", bytes: stringStream(offsets: [-4, 2], data: Array("abcd".utf8), length: 1),
            code: .corrupt, message: "has a first offset of -4"),
        DamagedStream(
            name: "large_string offset beyond Int32",
            bytes: stringStream(offsets: [0, .max], data: Array("abcd".utf8), length: 1, large: true),
            code: .corrupt, message: "column 's' (large_string) in record batch 1 has offset 1 at 2147483647"),
        DamagedStream(
            name: "offsets buffer one short",
            bytes: stringStream(offsets: [0, 1, 2], data: Array("abcd".utf8), length: 3),
            code: .corrupt, message: "declares 3 rows but its offsets buffer holds 3 offsets, not 4"),
        DamagedStream(
            name: "string that is not UTF-8",
            bytes: stringStream(offsets: [0, 1, 3], data: [0x61, 0xC3, 0x28], length: 2),
            code: .corrupt,
            message: "column 's' (string) in record batch 1 holds bytes that are not valid UTF-8 in row 2"),
        DamagedStream(
            name: "record batch before the schema",
            bytes: S.batch(length: 0, nodes: [], buffers: [], body: []) + S.end,
            code: .corrupt, message: "the first message is not a schema"),
        DamagedStream(
            name: "a second schema", bytes: int64Schema + int64Schema + S.end, code: .corrupt,
            message: "message 2 is a second schema"),
        DamagedStream(
            name: "message without a header", bytes: S.message(tag: 0, nil) + S.end, code: .corrupt,
            message: "message 1 has no header"),
        DamagedStream(
            name: "dictionary batch", bytes: int64Schema + S.message(tag: 2, .table([])) + S.end, code: .unsupported,
            message: "message 2 is a dictionary batch"),
        DamagedStream(
            name: "tensor message", bytes: int64Schema + S.message(tag: 4, .table([])) + S.end, code: .unsupported,
            message: "message 2 is of kind 4"),
        DamagedStream(
            name: "compressed batch",
            bytes: int64Schema
                + S.batch(length: 0, nodes: [(0, 0)], buffers: [(0, 0), (0, 0)], body: [], compression: 1),
            code: .unsupported, message: "record batch 1 is compressed (ZSTD)"),
        DamagedStream(
            name: "big-endian schema", bytes: S.schema([S.field("n", S.int(64))], endianness: 1) + S.end,
            code: .unsupported, message: "big-endian"),
        DamagedStream(
            name: "metadata version V3", bytes: S.schema([S.field("n", S.int(64))], version: 2) + S.end,
            code: .unsupported, message: "metadata version V3"),
        DamagedStream(
            name: "decimal256", bytes: refusedField(S.decimal(precision: 40, scale: 2, bitWidth: 256)),
            code: .unsupported, message: "column 'x' is of type decimal256(40, 2)"),
        DamagedStream(
            name: "decimal of precision 0", bytes: refusedField(S.decimal(precision: 0, scale: 0)),
            code: .corrupt, message: "decimal128 of precision 0"),
        DamagedStream(
            name: "decimal with a far scale", bytes: refusedField(S.decimal(precision: 38, scale: -1000)),
            code: .unsupported, message: "scale outside"),
        DamagedStream(
            name: "unknown type tag", bytes: refusedField(S.ArrowTypeSpec(tag: 99, table: .table([]))),
            code: .unsupported, message: "column 'x' is of a type this reader does not know (union tag 99)"),
        DamagedStream(
            name: "field without a type", bytes: refusedField(S.ArrowTypeSpec(tag: 0, table: nil)),
            code: .corrupt, message: "column 'x' has no type"),
        DamagedStream(
            name: "seven-bit integer", bytes: refusedField(S.int(7)), code: .corrupt,
            message: "column 'x' is an integer of 7 bits"),
        DamagedStream(
            name: "unknown float precision",
            bytes: refusedField(S.ArrowTypeSpec(tag: 3, table: .table([FlatField(0, .int16(7))]))),
            code: .corrupt, message: "unknown floating-point precision 7"),
        DamagedStream(
            name: "unknown time unit", bytes: refusedField(S.timestamp(unit: 9)), code: .corrupt,
            message: "unknown time unit 9"),
        DamagedStream(
            name: "children on a flat type", bytes: refusedField(S.int(32), children: [S.field("c", S.int(8))]),
            code: .corrupt, message: "column 'x' (int32) has child fields"),
        DamagedStream(
            name: "dictionary-encoded field",
            bytes: S.schema([S.field("d", S.utf8, dictionary: .table([FlatField(0, .int64(0))]))]) + S.end,
            code: .unsupported, message: "column 'd' is dictionary-encoded"),
        DamagedStream(
            name: "field name that is not UTF-8",
            bytes: S.schema([S.field("", S.utf8, rawName: [0xFF, 0xFE])]) + S.end,
            code: .corrupt, message: "the name of field 1 is not valid UTF-8"),
        DamagedStream(
            name: "timestamp seconds too far for microseconds",
            bytes: S.schema([S.field("t", S.timestamp(unit: 0))])
                + {
                    var body = S.Body()
                    body.addValidity(nil)
                    body.add(values: [Int64(1), Int64.max / 1000])
                    return S.batch(length: 2, nulls: [0], body)
                }() + S.end,
            code: .unsupported,
            message: "column 't' (timestamp[s]) in record batch 1 holds a timestamp too far from 1970"),
        DamagedStream(
            name: "date64 too far for days",
            bytes: S.schema([S.field("d", S.date64)])
                + {
                    var body = S.Body()
                    body.addValidity(nil)
                    body.add(values: [Int64.min])
                    return S.batch(length: 1, nulls: [0], body)
                }() + S.end,
            code: .unsupported,
            message: "column 'd' (date64[ms]) in record batch 1 holds a date too far from 1970 for 32-bit days in row 1"
        ),
    ]

    @Test(arguments: cases)
    func isRefused(_ damaged: DamagedStream) {
        let error = #expect(throws: UpliftError.self) { try ArrowStreamReader.read(damaged.bytes) }
        #expect(error?.code == damaged.code, "\(error?.description ?? "")")
        #expect(error?.message.contains(damaged.message) == true, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("Arrow stream: ") == true)
    }
}
