import Testing
import UpliftParquet

/// The page checksum is gzip's CRC-32: the published check values, and a bit-at-a-time reference over
/// buffers of every length up to a few cache lines and a few large ones (the fast path folds 64 bytes at once).
struct CRC32Tests {
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { Gzip.crc32($0) } }

    @Test func publishedCheckValues() {
        #expect(Self.crc([]) == 0)
        #expect(Self.crc(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Self.crc(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func everyLengthMatchesTheBitwiseReference() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for length in Array(0...300) + [4_095, 4_096, 65_537] {
            let bytes = (0..<length).map { _ in next() }
            #expect(Self.crc(bytes) == Self.reference(bytes), "length \(length)")
        }
    }
}
