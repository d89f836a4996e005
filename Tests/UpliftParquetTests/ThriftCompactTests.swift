import TestSupport
import Testing

@testable import UpliftParquet

@Suite struct ThriftCompactTests {
    static let sample = ThriftStruct([
        (1, .i32(1)), (2, .i64(-1)), (4, .bool(true)), (20, .binary(Array("hi".utf8))),
        (21, .list(.i32, [.i32(1), .i32(2), .i32(3)])),
    ])

    @Test func goldenBytes() {
        // Short field headers (delta << 4 | type), a long header for the jump to 20, zigzag varints,
        // the bool carried in the type nibble, a short list header (count << 4 | type).
        let expected: [UInt8] = [
            0x15, 0x02, 0x16, 0x01, 0x21, 0x08, 0x28, 0x02, 0x68, 0x69, 0x19, 0x35, 0x02, 0x04, 0x06, 0x00,
        ]
        #expect(ThriftCompactWriter.encode(Self.sample) == expected)
    }

    @Test func keyValueGolden() throws {
        let kv = ThriftStruct([(1, .string("a")), (2, .string("b"))])
        #expect(ThriftCompactWriter.encode(kv) == [0x18, 0x01, 0x61, 0x18, 0x01, 0x62, 0x00])
    }

    @Test func roundTripsEveryType() throws {
        let nested = ThriftStruct([(1, .bool(false)), (300, .i16(-300))])
        let value = ThriftStruct([
            (1, .i8(-5)), (2, .i16(12345)), (3, .i32(.min)), (4, .i64(.max)), (5, .double(-2.5)),
            (6, .binary([])), (7, .list(.binary, (0..<20).map { .string("item \($0)") })),
            (8, .structure(nested)), (9, .bool(false)), (10, .list(.bool, [.bool(true), .bool(false)])),
            (11, .map(.binary, .i32, [.string("k"), .i32(7)])), (12, .list(.structure, [.structure(nested)])),
        ])
        let bytes = ThriftCompactWriter.encode(value)
        let (decoded, end) = try ThriftCompactReader.decodeStruct(bytes)
        #expect(end == bytes.count)
        #expect(decoded == value)
    }

    @Test func pageHeaderRoundTrip() throws {
        let header = PageHeader(
            type: Wire.dataPage, uncompressedSize: 1000, compressedSize: 400, crc: -12345,
            numValues: 77, encoding: Wire.rleDictionary, definitionEncoding: Wire.rle)
        let (decoded, _) = try ThriftCompactReader.decodeStruct(ThriftCompactWriter.encode(header.thrift()))
        #expect(try PageHeader(thrift: decoded) == header)
    }

    @Test func truncationIsCorrupt() {
        let bytes = ThriftCompactWriter.encode(Self.sample)
        for cut in 0..<bytes.count {
            #expect(throws: ParquetError.self) { _ = try ThriftCompactReader.decodeStruct(Array(bytes[..<cut])) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededRandom(seed: 42)
        var failures = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do { _ = try ThriftCompactReader.decodeStruct(bytes) } catch { failures += 1 }
        }
        #expect(failures > 0)
    }

    @Test func hugeLengthsAreRejectedWithoutAllocating() {
        // A binary field claiming 2^40 bytes, and a list claiming 2^30 elements.
        #expect(throws: ParquetError.self) {
            _ = try ThriftCompactReader.decodeStruct([0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
        }
        #expect(throws: ParquetError.self) {
            _ = try ThriftCompactReader.decodeStruct([0x19, 0xF5, 0x80, 0x80, 0x80, 0x80, 0x04])
        }
    }

    @Test func deepNestingIsRejected() {
        let bytes = [UInt8](repeating: 0x1C, count: 10_000)  // struct in struct in struct ...
        #expect(throws: ParquetError.self) { _ = try ThriftCompactReader.decodeStruct(bytes) }
    }
}
