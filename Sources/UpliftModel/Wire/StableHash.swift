/// MurmurHash3 x64 128-bit (Austin Appleby, public domain), seed 0.
///
/// Used for ids that must be the same on every machine and every version: Swift's `Hasher` is
/// randomly seeded per process, so it cannot be used. Changing this function changes stored ids.
package enum StableHash {
    package static func murmur3x64_128(_ data: UnsafeRawBufferPointer, seed: UInt64 = 0) -> (UInt64, UInt64) {
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        var h1 = seed
        var h2 = seed
        let n = data.count
        let blocks = n / 16
        for b in 0..<blocks {
            var k1 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: b * 16, as: UInt64.self))
            var k2 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: b * 16 + 8, as: UInt64.self))
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
            h1 = rotl(h1, 27)
            h1 &+= h2
            h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
            h2 = rotl(h2, 31)
            h2 &+= h1
            h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = blocks * 16
        var k1: UInt64 = 0
        var k2: UInt64 = 0
        let rest = n & 15
        if rest > 8 {
            for i in stride(from: rest - 1, through: 8, by: -1) {
                k2 ^= UInt64(data[tail + i]) << (UInt64(i - 8) * 8)
            }
            k2 &*= c2
            k2 = rotl(k2, 33)
            k2 &*= c1
            h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) {
                k1 ^= UInt64(data[tail + i]) << (UInt64(i) * 8)
            }
            k1 &*= c1
            k1 = rotl(k1, 31)
            k1 &*= c2
            h1 ^= k1
        }
        h1 ^= UInt64(n)
        h2 ^= UInt64(n)
        h1 &+= h2
        h2 &+= h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 &+= h2
        h2 &+= h1
        return (h1, h2)
    }

    /// The deterministic event id for a message without one: `h-` and the 128-bit hash of the
    /// message's exact bytes as 32 lowercase hex digits (h1 then h2, each big-endian).
    package static func eventID(for message: UnsafeRawBufferPointer) -> String {
        let (h1, h2) = murmur3x64_128(message)
        let digits: StaticString = "0123456789abcdef"
        var out = [UInt8](repeating: 0, count: 34)
        out[0] = UInt8(ascii: "h")
        out[1] = UInt8(ascii: "-")
        for i in 0..<16 {
            out[2 + i] = digits.utf8Start[Int(h1 >> (60 - UInt64(i) * 4) & 15)]
            out[18 + i] = digits.utf8Start[Int(h2 >> (60 - UInt64(i) * 4) & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }

    @inline(__always) static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}
