/// A hash set of fingerprints with open addressing (linear probing): fingerprints are already
/// uniformly mixed, so their low bits index the table directly, with none of `Set`'s per-lookup
/// SipHash. At most 3/4 full, as `Set`, so it takes no more memory than `Set<Fingerprint>`.
///
/// Growing is incremental: the old table stays readable and a few of its slots move to the new
/// one on every insert, so no single insert pays for rehashing millions of ids (a server's
/// request would wait ~100 ms behind it).
package struct FingerprintSet: Sendable {
    /// A slot is empty when both halves are 0; the fingerprint (0, 0) lives in `hasZero` instead.
    private var slots: [Fingerprint]
    /// The table being moved into `slots` after a grow: slots below `migrated` are moved already.
    private var previous: [Fingerprint] = []
    private var migrated = 0
    private var hasZero = false
    package private(set) var count = 0

    private static let empty = Fingerprint(high: 0, low: 0)

    package init(minimumCapacity: Int = 0) {
        var size = 16
        while size * 3 < minimumCapacity * 4 { size *= 2 }
        slots = [Fingerprint](repeating: Self.empty, count: size)
    }

    package init(_ fingerprints: [Fingerprint]) {
        self.init(minimumCapacity: fingerprints.count)
        for f in fingerprints { insert(f) }
    }

    package func contains(_ f: Fingerprint) -> Bool {
        if f.high == 0 && f.low == 0 { return hasZero }
        return find(f).found || (!previous.isEmpty && Self.find(f, in: previous).found)
    }

    /// Inserts `f`; returns false when it was already present.
    @discardableResult
    package mutating func insert(_ f: Fingerprint) -> Bool {
        if f.high == 0 && f.low == 0 {
            defer { hasZero = true }
            if !hasZero { count += 1 }
            return !hasZero
        }
        if !previous.isEmpty {
            if Self.find(f, in: previous).found { return false }
            migrate(slotsOfPrevious: 16)
        }
        let (slot, found) = find(f)
        if found { return false }
        slots[slot] = f
        count += 1
        if count * 4 > slots.count * 3 { grow() }
        return true
    }

    package mutating func remove(_ f: Fingerprint) {
        if f.high == 0 && f.low == 0 {
            if hasZero { count -= 1 }
            hasZero = false
            return
        }
        // Rare (a failed log write): finish any move first, so that only one table changes.
        migrate(slotsOfPrevious: previous.count)
        var (hole, found) = find(f)
        guard found else { return }
        count -= 1
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        let mask = slots.count - 1
        var next = (hole + 1) & mask
        while slots[next] != Self.empty {
            let home = Int(truncatingIfNeeded: slots[next].low) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, next].
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = Self.empty
    }

    private func find(_ f: Fingerprint) -> (slot: Int, found: Bool) {
        Self.find(f, in: slots)
    }

    private static func find(_ f: Fingerprint, in slots: [Fingerprint]) -> (slot: Int, found: Bool) {
        slots.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            var slot = Int(truncatingIfNeeded: f.low) & mask
            while true {
                let s = table[slot]
                if s.high == f.high && s.low == f.low { return (slot, true) }
                if s.high == 0 && s.low == 0 { return (slot, false) }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Starts moving into a table twice the size. The new table is 3/8 full then, and 16 old
    /// slots move per insert, so the move ends long before the next grow would be due.
    private mutating func grow() {
        migrate(slotsOfPrevious: previous.count)
        previous = slots
        migrated = 0
        slots = [Fingerprint](repeating: Self.empty, count: previous.count * 2)
    }

    private mutating func migrate(slotsOfPrevious n: Int) {
        guard !previous.isEmpty else { return }
        let end = min(previous.count, migrated + n)
        let mask = slots.count - 1
        for i in migrated..<end where previous[i] != Self.empty {
            let f = previous[i]
            var slot = Int(truncatingIfNeeded: f.low) & mask
            while slots[slot] != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = f
        }
        migrated = end
        if migrated == previous.count {
            previous = []
            migrated = 0
        }
    }
}
