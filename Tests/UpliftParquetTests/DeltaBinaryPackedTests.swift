import TestSupport
import Testing

@testable import UpliftParquet

/// DELTA_BINARY_PACKED on its own: the spec's examples byte for byte, round trips over every bit width
/// and edge case, and damaged input that must fail as `.corrupt` without trapping.
@Suite struct DeltaBinaryPackedTests {
    static func encode<T: FixedWidthInteger & SignedInteger>(_ values: [T]) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { DeltaBinaryPacked.encode($0, into: &out) }
        return out
    }

    /// Decodes `count` values and insists that every byte was used.
    static func decode<T: FixedWidthInteger & SignedInteger>(
        _ bytes: [UInt8], count: Int, as _: T.Type = T.self
    ) throws(ParquetError) -> [T] {
        var values = [T](repeating: 0, count: count)
        let used = try bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { out in
                Result { () throws(ParquetError) in try DeltaBinaryPacked.decode(raw, into: out) }
            }
        }.get()
        guard used == bytes.count else { throw ParquetError(.corrupt, "used \(used) of \(bytes.count) bytes") }
        return values
    }

    func roundTrip<T: FixedWidthInteger & SignedInteger>(_ values: [T], _ note: Comment = "") throws {
        let bytes = Self.encode(values)
        #expect(try Self.decode(bytes, count: values.count, as: T.self) == values, note)
    }

    // Encodings.md, example 1: 1, 2, 3, 4, 5. The spec writes it with a block of 8 in 1 miniblock (which it
    // calls invalid in real files); with our block of 128 in 4 miniblocks the same values give this.
    @Test func specExample1() throws {
        let bytes = Self.encode([1, 2, 3, 4, 5] as [Int64])
        // header: block 128 (0x80 0x01), 4 miniblocks, 5 values, first value zigzag(1) = 2;
        // block: deltas 1 1 1 1, min delta zigzag(1) = 2, relative deltas all 0: four widths of 0, no data.
        #expect(bytes == [0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00])
        #expect(try Self.decode(bytes, count: 5, as: Int64.self) == [1, 2, 3, 4, 5])
    }

    // Encodings.md, example 2: 7, 5, 3, 1, 2, 3, 4, 5. Deltas -2 -2 -2 1 1 1 1, min delta -2, relative deltas
    // 0 0 0 3 3 3 3 on 2 bits: one 32-value miniblock of 8 bytes, LSB first (0 0 0 3 → 0xC0, 3 3 3 → 0x3F).
    @Test func specExample2() throws {
        let values: [Int32] = [7, 5, 3, 1, 2, 3, 4, 5]
        let bytes = Self.encode(values)
        let expected: [UInt8] =
            [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00]
            + [0xC0, 0x3F] + [UInt8](repeating: 0, count: 6)
        #expect(bytes == expected)
        #expect(try Self.decode(bytes, count: 8, as: Int32.self) == values)
    }

    @Test func singleValueIsHeaderOnly() throws {
        #expect(Self.encode([-3] as [Int64]) == [0x80, 0x01, 0x04, 0x01, 0x05])
        try roundTrip([Int64.min])
        try roundTrip([Int32.max])
        try roundTrip([Int64]())
    }

    /// Deltas drawn so that each miniblock needs exactly `width` bits, around a negative minimum.
    @Test(arguments: 0...64) func everyBitWidth(width: Int) throws {
        var rng = SeededRandom(seed: UInt64(width) &+ 1000)
        let span: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        var values: [Int64] = [0]
        for k in 0..<300 {
            // Force the extremes of the range into every miniblock so the width is exact.
            let offset: UInt64 = k % 32 == 0 ? 0 : k % 32 == 1 ? span : UInt64.random(in: 0...span, using: &rng)
            values.append(values[k] &+ -7 &+ Int64(bitPattern: offset))
        }
        let bytes = Self.encode(values)
        // Header 0x80 0x01 0x04 0xAD 0x02 0x00, min delta zigzag(-7) = 13, then the first miniblock's width.
        if width < 64 { #expect(Array(bytes[0..<8]) == [0x80, 0x01, 0x04, 0xAD, 0x02, 0x00, 13, UInt8(width)]) }
        #expect(try Self.decode(bytes, count: values.count, as: Int64.self) == values)
    }

    @Test(arguments: 0...32) func everyInt32BitWidth(width: Int) throws {
        var rng = SeededRandom(seed: UInt64(width) &+ 2000)
        let span: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        var values: [Int32] = [Int32.random(in: .min ... .max, using: &rng)]
        for k in 0..<200 {
            let offset: UInt32 = k % 32 == 0 ? 0 : k % 32 == 1 ? span : UInt32.random(in: 0...span, using: &rng)
            values.append(values[k] &+ Int32(bitPattern: offset))
        }
        // The reader refuses widths over 32 for INT32, so this also proves the deltas wrap in 32 bits.
        try roundTrip(values)
    }

    @Test(arguments: [1, 2, 31, 32, 33, 127, 128, 129, 130, 255, 256, 257, 4096, 4097, 4098])
    func blockBoundaries(count: Int) throws {
        var rng = SeededRandom(seed: UInt64(count))
        var t: Int64 = 1_767_225_600_000_000
        let rising = (0..<count).map { _ in
            t += Int64.random(in: 0...90_000_000, using: &rng)
            return t
        }
        try roundTrip(rising, "rising \(count)")
        try roundTrip(rising.reversed(), "falling \(count)")
        try roundTrip((0..<count).map { _ in Int32.random(in: -5...5, using: &rng) }, "small \(count)")
    }

    @Test func extremesWrap() throws {
        try roundTrip([Int64.min, Int64.max, Int64.min, 0, Int64.max, -1, 1, Int64.min, Int64.min, Int64.max])
        try roundTrip([Int32.min, Int32.max, Int32.min, 0, Int32.max, -1, 1, Int32.min])
        try roundTrip((0..<300).map { $0 % 2 == 0 ? Int64.max : Int64.min })
        try roundTrip((0..<300).map { $0 % 3 == 0 ? Int32.max : Int32.min })
    }

    @Test func runsOfEqualValuesTakeNoMiniblockBytes() throws {
        let values = [Int64](repeating: 1_767_225_600_000_000, count: 1000)
        let bytes = Self.encode(values)
        // Header, then per block of 128 deltas: min delta 0 (one byte) and four zero widths.
        let blocks = (values.count - 1 + 127) / 128
        // The count 1000 takes 2 bytes, 1 takes 1.
        #expect(bytes.count == Self.encode([values[0]]).count + 1 + blocks * 5)
        try roundTrip(values)
        try roundTrip([Int64](repeating: 5, count: 40) + [Int64](repeating: -5, count: 200) + [9])
    }

    @Test func randomSequences() throws {
        var rng = SeededRandom(seed: 77)
        for round in 0..<200 {
            let count = Int.random(in: 0...700, using: &rng)
            let scale = Int64.random(in: 0...62, using: &rng)
            let base = Int64.random(in: .min ... .max, using: &rng)
            let values = (0..<count).map { _ in base &+ Int64.random(in: -(1 << scale)...(1 << scale), using: &rng) }
            try roundTrip(values, "round \(round)")
            try roundTrip(values.map { Int32(truncatingIfNeeded: $0) }, "int32 round \(round)")
        }
    }

    // Other writers may choose other block shapes; the reader follows the header.
    @Test func otherBlockShapesDecode() throws {
        // Block of 256 in 2 miniblocks of 128: values 10, 11, 12 → min delta 1, widths 0 0.
        let bytes: [UInt8] = [0x80, 0x02, 0x02, 0x03, 0x14, 0x02, 0x00, 0x00]
        #expect(try Self.decode(bytes, count: 3, as: Int64.self) == [10, 11, 12])
    }
}
