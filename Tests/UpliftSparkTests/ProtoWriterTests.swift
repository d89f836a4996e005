import Testing
import UpliftModel
import UpliftSpark

/// The writer against the encodings protobuf's documentation spells out, and the reader against the
/// writer on many generated values.
@Suite struct ProtoWriterTests {
    struct VarintVector: Sendable, CustomTestStringConvertible {
        var value: UInt64
        var bytes: [UInt8]
        var testDescription: String { "\(value)" }
    }

    static let varints = [
        VarintVector(value: 0, bytes: [0x00]),
        VarintVector(value: 1, bytes: [0x01]),
        VarintVector(value: 127, bytes: [0x7F]),
        VarintVector(value: 128, bytes: [0x80, 0x01]),
        VarintVector(value: 150, bytes: [0x96, 0x01]),
        VarintVector(value: 300, bytes: [0xAC, 0x02]),
        VarintVector(value: 16_384, bytes: [0x80, 0x80, 0x01]),
        VarintVector(value: UInt64(UInt32.max), bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        VarintVector(value: UInt64.max, bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test(arguments: varints)
    func varint(_ vector: VarintVector) throws {
        var writer = ProtoWriter()
        writer.varint(vector.value)
        #expect(writer.bytes == vector.bytes)
        var field = ProtoWriter()
        field.uint64(1, vector.value)
        var reader = ProtoReader(field.bytes, context: "test")
        #expect(try reader.next()?.uint64() == vector.value)
        #expect(try reader.next() == nil)
    }

    @Test func keysAndScalarFields() {
        var writer = ProtoWriter()
        writer.int32(1, 150)
        writer.string(2, "testing")
        writer.bool(3, true)
        writer.int32(4, -1)
        writer.sint32(5, -1)
        writer.sint64(6, 1)
        writer.fixed32(7, 0x0403_0201)
        writer.fixed64(8, 1)
        writer.int64(16, 0)
        #expect(
            writer.bytes
                == [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8) + [0x18, 0x01]
                + [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
                + [0x28, 0x01, 0x30, 0x02, 0x3D, 0x01, 0x02, 0x03, 0x04, 0x41, 1, 0, 0, 0, 0, 0, 0, 0]
                + [0x80, 0x01, 0x00])
    }

    @Test func zigzag() {
        #expect(ProtoWriter.zigzag(0) == 0)
        #expect(ProtoWriter.zigzag(-1) == 1)
        #expect(ProtoWriter.zigzag(1) == 2)
        #expect(ProtoWriter.zigzag(-2) == 3)
        #expect(ProtoWriter.zigzag(Int64.max) == UInt64.max - 1)
        #expect(ProtoWriter.zigzag(Int64.min) == UInt64.max)
    }

    @Test func nestedMessagesAndMaps() throws {
        var writer = ProtoWriter()
        writer.message(1) { outer in
            outer.message(2) { inner in inner.string(1, "x") }
        }
        writer.stringMap(3, ["b": "2", "a": "", "é": "3"])
        #expect(
            writer.bytes
                == [0x0A, 0x05, 0x12, 0x03, 0x0A, 0x01, 0x78]
                + [0x1A, 0x05, 0x0A, 0x01, 0x61, 0x12, 0x00]
                + [0x1A, 0x06, 0x0A, 0x01, 0x62, 0x12, 0x01, 0x32]
                + [0x1A, 0x07, 0x0A, 0x02, 0xC3, 0xA9, 0x12, 0x01, 0x33])
        var reader = ProtoReader(writer.bytes, context: "test")
        var inner = try #require(try reader.next()).message("outer")
        var innermost = try #require(try inner.next()).message("inner")
        #expect(innermost.depth == 2)
        #expect(innermost.context == "test.outer.inner")
        #expect(try innermost.next()?.string() == "x")
        var map: [String: String] = [:]
        while let field = try reader.next() {
            let entry = try field.stringMapEntry("map")
            map[entry.key] = entry.value
        }
        #expect(map == ["a": "", "b": "2", "é": "3"])
    }

    /// Every field type, written with random values in random order and read back the same.
    @Test(arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var random = ProtoTestRandom(seed: seed)
        var writer = ProtoWriter()
        var written: [(Int, Int, UInt64, [UInt8])] = []  // field, kind, number, bytes
        for _ in 0..<50 {
            let field = Int.random(in: 1...ProtoWireType.maxFieldNumber, using: &random)
            let kind = Int.random(in: 0..<9, using: &random)
            let number = random.next() >> UInt64.random(in: 0..<64, using: &random)
            let bytes = (0..<Int.random(in: 0..<200, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            written.append((field, kind, number, bytes))
            switch kind {
            case 0: writer.uint64(field, number)
            case 1: writer.int64(field, Int64(bitPattern: number))
            case 2: writer.int32(field, Int32(truncatingIfNeeded: number))
            case 3: writer.sint64(field, Int64(bitPattern: number))
            case 4: writer.sint32(field, Int32(truncatingIfNeeded: number))
            case 5: writer.fixed32(field, UInt32(truncatingIfNeeded: number))
            case 6: writer.double(field, Double(bitPattern: number))
            case 7: writer.bytes(field, bytes)
            default: writer.bool(field, number & 1 == 1)
            }
        }
        var reader = ProtoReader(writer.bytes, context: "test")
        for (field, kind, number, bytes) in written {
            let read = try #require(try reader.next())
            #expect(read.number == field)
            switch kind {
            case 0: #expect(try read.uint64() == number)
            case 1: #expect(try read.int64() == Int64(bitPattern: number))
            case 2: #expect(try read.int32() == Int32(truncatingIfNeeded: number))
            case 3: #expect(try read.sint64() == Int64(bitPattern: number))
            case 4: #expect(try read.sint32() == Int32(truncatingIfNeeded: number))
            case 5: #expect(try read.fixed32() == UInt32(truncatingIfNeeded: number))
            case 6: #expect(try read.double().bitPattern == number)
            case 7: #expect(try read.bytes() == bytes)
            default: #expect(try read.bool() == (number & 1 == 1))
            }
        }
        #expect(reader.isAtEnd)
    }
}

/// SplitMix64: a seedable generator, so a failing case can be run again.
struct ProtoTestRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
