#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keys a dictionary can be built over: values addressed by row, hashed and compared without allocation.
package protocol DictionaryKeys {
    func hash(_ row: Int) -> UInt64
    func equal(_ a: Int, _ b: Int) -> Bool
    /// Bytes the value takes in the PLAIN dictionary page.
    func plainSize(_ row: Int) -> Int
}

/// Builds a dictionary (distinct values in first-seen order) and one index per non-null row, giving up as
/// soon as the dictionary grows past the limits so the writer can fall back to PLAIN.
package enum DictionaryBuilder {
    package struct Result {
        /// Row of the first occurrence of each distinct value, in index order.
        package var entryRows: [Int]
        /// One dictionary index per non-null row, in row order.
        package var indices: [UInt32]
        package var plainBytes: Int
    }

    package static func build<K: DictionaryKeys>(
        _ keys: K, rows: Int, validity: [Bool]?, maxEntries: Int, maxBytes: Int
    ) -> Result? {
        var capacity = 256
        var slots = [Int32](repeating: -1, count: capacity)
        var entryRows: [Int] = []
        var entryHashes: [UInt64] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(rows)
        var plainBytes = 0
        for row in 0..<rows {
            if let validity, !validity[row] { continue }
            let h = keys.hash(row)
            var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
            while true {
                let entry = Int(slots[slot])
                if entry < 0 {
                    guard entryRows.count < maxEntries else { return nil }
                    plainBytes += keys.plainSize(row)
                    guard plainBytes <= maxBytes else { return nil }
                    slots[slot] = Int32(entryRows.count)
                    indices.append(UInt32(entryRows.count))
                    entryRows.append(row)
                    entryHashes.append(h)
                    if entryRows.count * 2 > capacity {
                        capacity *= 2
                        slots = rehash(entryHashes, capacity: capacity)
                    }
                    break
                }
                if entryHashes[entry] == h && keys.equal(entryRows[entry], row) {
                    indices.append(UInt32(entry))
                    break
                }
                slot = (slot + 1) & (capacity - 1)
            }
        }
        return Result(entryRows: entryRows, indices: indices, plainBytes: plainBytes)
    }

    private static func rehash(_ hashes: [UInt64], capacity: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: capacity)
        for (entry, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(entry)
        }
        return slots
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 32)
    }
}

package struct Int64Keys: DictionaryKeys {
    let values: UnsafeBufferPointer<Int64>
    package func hash(_ row: Int) -> UInt64 { DictionaryBuilder.mix(UInt64(bitPattern: values[row])) }
    package func equal(_ a: Int, _ b: Int) -> Bool { values[a] == values[b] }
    package func plainSize(_ row: Int) -> Int { 8 }
}

package struct ByteArrayKeys: DictionaryKeys {
    let offsets: UnsafeBufferPointer<Int32>
    let bytes: UnsafeRawBufferPointer

    package func hash(_ row: Int) -> UInt64 {
        let start = Int(offsets[row])
        let end = Int(offsets[row + 1])
        var h = UInt64(end - start) &* 0x9E37_79B9_7F4A_7C15
        var p = start
        while p + 8 <= end {
            h = DictionaryBuilder.mix(h ^ bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            p += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while p < end {
            tail |= UInt64(bytes[p]) << shift
            shift += 8
            p += 1
        }
        return DictionaryBuilder.mix(h ^ tail)
    }

    package func equal(_ a: Int, _ b: Int) -> Bool {
        let aStart = Int(offsets[a])
        let aEnd = Int(offsets[a + 1])
        let bStart = Int(offsets[b])
        let bEnd = Int(offsets[b + 1])
        guard aEnd - aStart == bEnd - bStart else { return false }
        guard aEnd > aStart, let base = bytes.baseAddress else { return true }
        return memcmp(base + aStart, base + bStart, aEnd - aStart) == 0
    }

    package func plainSize(_ row: Int) -> Int { 4 + Int(offsets[row + 1] - offsets[row]) }
}
