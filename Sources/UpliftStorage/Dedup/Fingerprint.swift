/// A 128-bit fingerprint of an event id, so the dedup index holds 16 bytes per event whatever the
/// id's length. Two independent lanes, each a chain of bijective 64-bit mixes over the id's 8-byte
/// words, make a collision between distinct ids about as likely as for a random 128-bit value.
package struct Fingerprint: Hashable, Sendable {
    package let high: UInt64
    package let low: UInt64

    package init(_ id: String) {
        var id = id
        self = id.withUTF8 { Fingerprint(bytes: UnsafeRawBufferPointer($0)) }
    }

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    package init(bytes: UnsafeRawBufferPointer) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        var i = 0
        while i < bytes.count {
            var word: UInt64 = 0
            let n = min(8, bytes.count - i)
            for k in 0..<n { word |= UInt64(bytes[i + k]) << (UInt64(k) * 8) }
            a = Self.mixA(a ^ word)
            b = Self.mixB(b &+ word)
            i += 8
        }
        high = Self.mixA(a ^ (b >> 29))
        low = Self.mixB(b ^ (a << 17))
    }

    // SplitMix64's finaliser and Stafford's variant 13 with other constants: both bijections.
    private static func mixA(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func mixB(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x6A09_E667_F3BC_C909
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }
}
