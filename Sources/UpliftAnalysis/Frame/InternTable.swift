#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte strings interned to dense codes 0, 1, 2 …: the values in one buffer, and an open-addressing
/// table (linear probing, at most half full) of codes keyed by a 64-bit hash of the bytes. A lookup
/// compares the stored hash, then the bytes; no `String` is made. Not thread-safe: `ProjectDictionary`
/// holds it under its lock.
struct InternTable {
    /// Value `code` is `bytes[offsets[code] ..< offsets[code + 1]]`.
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    /// The hash of each value, by code: equal values have equal hashes, and growing needs no rehash.
    private var hashes: [UInt64] = []
    /// `code + 1` of the value whose probe sequence passes here; 0 is empty. A power of two long.
    private var slots: [Int32] = Array(repeating: 0, count: 16)

    var count: Int { hashes.count }

    /// The code of `value` (whose hash is `hash`), nil when it was never interned.
    func code(of value: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while slots[i] != 0 {
                let code = slots[i] - 1
                if hashes[Int(code)] == hash && equals(Int(code), value) { return code }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// The code of `value`, adding it when new.
    mutating func intern(_ value: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            let code = slot - 1
            if hashes[Int(code)] == hash && equals(Int(code), value) { return code }
            i = (i + 1) & mask
        }
        let code = Int32(hashes.count)
        slots[i] = code + 1
        hashes.append(hash)
        bytes.append(contentsOf: value)
        offsets.append(bytes.count)
        if hashes.count * 2 > slots.count { grow() }
        return code
    }

    /// Value `code` as a `String` (interned bytes came from UTF-8 columns or strings; invalid ones are repaired).
    func string(_ code: Int) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[code]..<offsets[code + 1]]), as: UTF8.self)
        }
    }

    private func equals(_ code: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[code]
        let length = offsets[code + 1] - start
        guard length == value.count else { return false }
        guard length > 0 else { return true }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + start, value.baseAddress!, length) == 0 }
    }

    /// Doubles the table and places every code again by its stored hash.
    private mutating func grow() {
        var bigger = [Int32](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        bigger.withUnsafeMutableBufferPointer { bigger in
            hashes.withUnsafeBufferPointer { hashes in
                for code in 0..<hashes.count {
                    var i = Int(truncatingIfNeeded: hashes[code]) & mask
                    while bigger[i] != 0 { i = (i + 1) & mask }
                    bigger[i] = Int32(code) + 1
                }
            }
        }
        slots = bigger
    }
}

/// A fast, non-cryptographic 64-bit hash of bytes in the style of wyhash: 16 bytes per step, each
/// folded in by one 64×64→128-bit multiply. Interning needs speed and spread, not resistance to chosen
/// inputs: a flood of colliding ids would slow a query down, never change its answer (values are
/// compared byte for byte).
enum ByteHash {
    private static let p0: UInt64 = 0xa076_1d64_78bd_642f
    private static let p1: UInt64 = 0xe703_7ed1_a0b4_28db
    private static let p2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// Up to 8 bytes from `p` as a little-endian word, zero-padded.
    @inline(__always)
    private static func tail(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return word
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = p0 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(h ^ p1, p2) }
        var at = 0
        let count = bytes.count
        while count - at >= 16 {
            let a = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            let b = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
            h = mix(a ^ p1, b ^ h)
            at += 16
        }
        let left = count - at
        var a: UInt64 = 0
        var b: UInt64 = 0
        if left >= 8 {
            a = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            b = tail(base + at + 8, left - 8)
        } else {
            a = tail(base + at, left)
        }
        return mix(mix(a ^ p1, b ^ h) ^ p2, p0 ^ UInt64(count))
    }
}
