import TestSupport
import Testing

@testable import UpliftParquet

@Suite struct RleHybridTests {
    func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { RleHybrid.encode($0, bitWidth: bitWidth, into: &out) }
        return out
    }

    func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
        var out = [UInt32](repeating: 0, count: count)
        let used = try bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try RleHybrid.decode(raw, bitWidth: bitWidth, into: $0) }
        }
        #expect(used == bytes.count)
        return out
    }

    /// The bit-packing example from the Parquet encodings spec: 0...7 at width 3 pack to 0x88 0xC6 0xFA.
    @Test func specBitPackedExample() throws {
        let bytes = encode(Array(0...7), bitWidth: 3)
        #expect(bytes == [0x03, 0x88, 0xC6, 0xFA])
        #expect(try decode(bytes, bitWidth: 3, count: 8) == Array(0...7))
    }

    @Test func repeatedValuesBecomeOneRun() throws {
        let bytes = encode(Array(repeating: 5, count: 100), bitWidth: 3)
        #expect(bytes == [0xC8, 0x01, 0x05])  // header 100 << 1 as a varint, value in one byte
        #expect(try decode(bytes, bitWidth: 3, count: 100) == Array(repeating: 5, count: 100))
    }

    @Test(arguments: 1...32)
    func randomRoundTrip(bitWidth: Int) throws {
        var rng = SeededRandom(seed: UInt64(bitWidth))
        let maxValue: UInt32 = bitWidth == 32 ? .max : (1 << UInt32(bitWidth)) - 1
        for trial in 0..<20 {
            let count = Int.random(in: 0...3000, using: &rng)
            var values: [UInt32] = []
            while values.count < count {
                let v = UInt32.random(in: 0...maxValue, using: &rng)
                // Mix runs of every length with literals so run/literal boundaries are all exercised.
                let repeatCount = trial % 2 == 0 ? Int.random(in: 1...20, using: &rng) : 1
                values += Array(repeating: v, count: min(repeatCount, count - values.count))
            }
            let bytes = encode(values, bitWidth: bitWidth)
            #expect(try decode(bytes, bitWidth: bitWidth, count: count) == values)
        }
    }

    @Test func truncatedInputThrowsCorrupt() {
        let values: [UInt32] = (0..<100).map { UInt32($0 % 7) }
        let bytes = encode(values, bitWidth: 3)
        for cut in 0..<bytes.count {
            #expect(throws: ParquetError.self) { _ = try decode(Array(bytes[..<cut]), bitWidth: 3, count: 100) }
        }
    }

    @Test func valuesWiderThanTheBitWidthAreRejected() {
        // An RLE run of value 9 cannot appear at bit width 3.
        #expect(throws: ParquetError.self) { _ = try decode([0x10, 0x09], bitWidth: 3, count: 8) }
    }
}
