import CPrefetch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte strings interned to dense codes 0, 1, 2 …: the values in one buffer, and an open-addressing
/// table (linear probing, at most half full) of codes, each slot tagged with the high half of its
/// value's hash. A lookup compares the tag, then the bytes; no `String` is made. With millions of
/// values every probe misses the cache, so a batch of lookups (`intern(count:hashes:value:)`)
/// prefetches the slots of the values a few places ahead. The buffers are allocated by hand: a probe
/// then costs no reference counting and no bounds check (every index is masked or a code below
/// `count`). Not thread-safe: `ProjectDictionary` holds it under its lock.
final class InternTable {
    /// Value `code` is `bytes[offsets[code] ..< offsets[code + 1]]`.
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCount = 0
    private var byteCapacity = 1024
    private var offsets: UnsafeMutablePointer<Int>
    /// The hash of each value, by code: read only to grow the table (no value is hashed again).
    private var hashes: UnsafeMutablePointer<UInt64>
    private(set) var count = 0
    private var capacity = 16
    /// `tag << 32 | (code + 1)` of the value whose probe sequence passes here (`tag`: the high 32
    /// bits of its hash); 0 is empty. `slotCount` is a power of two, at least twice `count`.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount = 32

    init() {
        bytes = .allocate(capacity: byteCapacity)
        offsets = .allocate(capacity: capacity + 1)
        offsets[0] = 0
        hashes = .allocate(capacity: capacity)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
    }

    deinit {
        bytes.deallocate()
        offsets.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// The code of `value` (whose hash is `hash`), nil when it was never interned.
    func code(of value: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        probe(value, hash: hash).code
    }

    /// The code of `value`, adding it when new.
    func intern(_ value: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        let (slot, code) = probe(value, hash: hash)
        return code ?? add(value, hash: hash, at: slot)
    }

    /// The codes of `count` values (value `r` is `value(r)`, with hash `hashes[r]`), adding new ones.
    /// The slot of value `r + 16` is prefetched while `r` is probed, and the bytes of the value in
    /// the slot of `r + 8`, so that the cache misses of many lookups overlap.
    func intern(
        count: Int, hashes: UnsafeBufferPointer<UInt64>, value: (Int) -> UnsafeRawBufferPointer
    ) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: count) { codes, initialized in
            for r in 0..<min(16, count) { prefetchSlot(hashes[r]) }
            for r in 0..<min(8, count) { prefetchValue(hashes[r]) }
            for r in 0..<count {
                if r + 16 < count { prefetchSlot(hashes[r + 16]) }
                if r + 8 < count { prefetchValue(hashes[r + 8]) }
                codes[r] = intern(value(r), hash: hashes[r])
            }
            initialized = count
        }
    }

    /// Value `code` as a `String` (interned bytes came from UTF-8 columns or strings; invalid ones are repaired).
    func string(_ code: Int) -> String {
        String(
            decoding: UnsafeBufferPointer(start: bytes + offsets[code], count: offsets[code + 1] - offsets[code]),
            as: UTF8.self)
    }

    /// The slot where `value` is, or where it would go, and its code when it is there.
    @inline(__always)
    private func probe(_ value: UnsafeRawBufferPointer, hash: UInt64) -> (slot: Int, code: Int32?) {
        let tag = hash >> 32
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return (i, nil) }
            if slot >> 32 == tag {
                let code = Int(slot & 0xFFFF_FFFF) - 1
                let start = offsets[code]
                let length = offsets[code + 1] - start
                if length == value.count && (length == 0 || memcmp(bytes + start, value.baseAddress!, length) == 0) {
                    return (i, Int32(code))
                }
            }
            i = (i + 1) & mask
        }
    }

    private func add(_ value: UnsafeRawBufferPointer, hash: UInt64, at slot: Int) -> Int32 {
        let code = count
        if count == capacity {
            capacity *= 2
            hashes = Self.reallocate(hashes, count: count, capacity: capacity)
            offsets = Self.reallocate(offsets, count: count + 1, capacity: capacity + 1)
        }
        if byteCount + value.count > byteCapacity {
            byteCapacity = max(byteCapacity * 2, byteCount + value.count)
            bytes = Self.reallocate(bytes, count: byteCount, capacity: byteCapacity)
        }
        if let source = value.baseAddress {
            (bytes + byteCount).update(from: source.assumingMemoryBound(to: UInt8.self), count: value.count)
        }
        byteCount += value.count
        offsets[code + 1] = byteCount
        hashes[code] = hash
        slots[slot] = (hash >> 32) << 32 | UInt64(code + 1)
        count += 1
        if count * 2 > slotCount { grow() }
        return Int32(code)
    }

    @inline(__always)
    private func prefetchSlot(_ hash: UInt64) {
        uplift_prefetch(slots + (Int(truncatingIfNeeded: hash) & (slotCount - 1)))
    }

    /// The second stage: the offsets and bytes of the value in the (already prefetched) first slot of
    /// `hash`, when its tag matches.
    @inline(__always)
    private func prefetchValue(_ hash: UInt64) {
        let slot = slots[Int(truncatingIfNeeded: hash) & (slotCount - 1)]
        guard slot != 0, slot >> 32 == hash >> 32 else { return }
        let code = Int(slot & 0xFFFF_FFFF) - 1
        uplift_prefetch(offsets + code)
        uplift_prefetch(bytes + offsets[code])
    }

    /// Doubles the table and places every code again by its stored hash.
    private func grow() {
        let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount * 2)
        bigger.initialize(repeating: 0, count: slotCount * 2)
        let mask = slotCount * 2 - 1
        for code in 0..<count {
            var i = Int(truncatingIfNeeded: hashes[code]) & mask
            while bigger[i] != 0 { i = (i + 1) & mask }
            bigger[i] = (hashes[code] >> 32) << 32 | UInt64(code + 1)
        }
        slots.deallocate()
        slots = bigger
        slotCount *= 2
    }

    private static func reallocate<T>(
        _ old: UnsafeMutablePointer<T>, count: Int, capacity: Int
    ) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        new.moveInitialize(from: old, count: count)
        old.deallocate()
        return new
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
