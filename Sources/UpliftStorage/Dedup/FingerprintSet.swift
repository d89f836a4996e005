/// A hash set of fingerprints with open addressing: fingerprints are already uniformly mixed, so
/// their low bits index the table directly, with none of `Set`'s per-lookup SipHash.
package struct FingerprintSet: Sendable {
    /// Slot `i` is empty when both halves are 0; the fingerprint (0, 0) lives in `hasZero` instead.
    private var highs: [UInt64]
    private var lows: [UInt64]
    private var hasZero = false
    package private(set) var count = 0

    package init(minimumCapacity: Int = 0) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        highs = [UInt64](repeating: 0, count: size)
        lows = [UInt64](repeating: 0, count: size)
    }

    package init(_ fingerprints: [Fingerprint]) {
        self.init(minimumCapacity: fingerprints.count)
        for f in fingerprints { insert(f) }
    }

    package func contains(_ f: Fingerprint) -> Bool {
        if f.high == 0 && f.low == 0 { return hasZero }
        return find(f).found
    }

    /// Inserts `f`; returns false when it was already present.
    @discardableResult
    package mutating func insert(_ f: Fingerprint) -> Bool {
        if f.high == 0 && f.low == 0 {
            defer { hasZero = true }
            if !hasZero { count += 1 }
            return !hasZero
        }
        let (slot, found) = find(f)
        if found { return false }
        highs[slot] = f.high
        lows[slot] = f.low
        count += 1
        if count * 2 > highs.count { grow() }
        return true
    }

    package mutating func remove(_ f: Fingerprint) {
        if f.high == 0 && f.low == 0 {
            if hasZero { count -= 1 }
            hasZero = false
            return
        }
        var (hole, found) = find(f)
        guard found else { return }
        count -= 1
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        let mask = highs.count - 1
        var next = (hole + 1) & mask
        while highs[next] != 0 || lows[next] != 0 {
            let home = Int(truncatingIfNeeded: lows[next]) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            if (next - home) & mask >= (next - hole) & mask {
                highs[hole] = highs[next]
                lows[hole] = lows[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        highs[hole] = 0
        lows[hole] = 0
    }

    private func find(_ f: Fingerprint) -> (slot: Int, found: Bool) {
        let mask = highs.count - 1
        var slot = Int(truncatingIfNeeded: f.low) & mask
        while true {
            let h = highs[slot], l = lows[slot]
            if h == f.high && l == f.low { return (slot, true) }
            if h == 0 && l == 0 { return (slot, false) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let oldHighs = highs, oldLows = lows
        highs = [UInt64](repeating: 0, count: oldHighs.count * 2)
        lows = [UInt64](repeating: 0, count: oldHighs.count * 2)
        let mask = highs.count - 1
        for i in 0..<oldHighs.count where oldHighs[i] != 0 || oldLows[i] != 0 {
            var slot = Int(truncatingIfNeeded: oldLows[i]) & mask
            while highs[slot] != 0 || lows[slot] != 0 { slot = (slot + 1) & mask }
            highs[slot] = oldHighs[i]
            lows[slot] = oldLows[i]
        }
    }
}
