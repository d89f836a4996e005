/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit word of state, fast, and good enough for
/// synthetic data. We never use the system generator so that output depends only on the seed.
package struct SplitMix64: Sendable {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    @inline(__always)
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix64(state)
    }

    /// Uniform in [0, 1) with 53 bits.
    @inline(__always)
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [0, bound) by multiply-shift (Lemire); the tiny bias is irrelevant here.
    @inline(__always)
    package mutating func below(_ bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// True with probability `p`.
    @inline(__always)
    package mutating func chance(_ p: Double) -> Bool { unit() < p }
}

/// The SplitMix64 finaliser: a bijection on UInt64, so distinct inputs give distinct outputs.
@inline(__always)
package func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A stateless hash of (key, index, field): every per-user attribute is drawn from its own field
/// so that attributes stay independent and a user's profile never depends on generation order.
@inline(__always)
package func hash3(_ key: UInt64, _ index: UInt64, _ field: UInt64) -> UInt64 {
    mix64(key ^ mix64(index &* 0xD1B5_4A32_D192_ED03 &+ field &* 0x9E37_79B9_7F4A_7C15))
}

/// `hash3` mapped to [0, 1).
@inline(__always)
package func unitHash(_ key: UInt64, _ index: UInt64, _ field: UInt64) -> Double {
    Double(hash3(key, index, field) >> 11) * 0x1p-53
}
