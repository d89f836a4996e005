import UpliftModel

extension EventTable {
    /// The row order `order` gives: `permutation[k]` is the row that goes k-th. Agrees row for row
    /// with `EventSortOrder.sort` on the same events (strings compare by their UTF-8 bytes; rows
    /// equal in every key keep their table order), without creating a String.
    package func permutation(_ order: EventSortOrder) -> [Int32] {
        Self.permutation(
            order, distinctID: self[bytes: .distinctID], event: self[bytes: .event], eventID: self[bytes: .eventID],
            timestamp: self[integers: .timestamp])
    }

    /// The same from the sort columns alone (`event` is only read for the order that starts with it).
    package static func permutation(
        _ order: EventSortOrder, distinctID: ByteColumn, event: ByteColumn, eventID: ByteColumn, timestamp: [Int64]
    ) -> [Int32] {
        let count = timestamp.count
        // Strings become ranks once (few distinct values), so the sort compares integers and only
        // looks at event-id bytes when person and time tie.
        let primary: [UInt64]
        switch order {
        case .distinctIDThenTime:
            primary = distinctID.ranks().map { UInt64($0) }
        case .eventThenDistinctIDThenTime:
            primary = zip(event.ranks(), distinctID.ranks()).map { UInt64($0) << 32 | UInt64($1) }
        }
        var keys = [SortKey]()
        keys.reserveCapacity(count)
        timestamp.withUnsafeBufferPointer { ts in
            for i in 0..<count {
                keys.append(SortKey(primary: primary[i], time: UInt64(bitPattern: ts[i]) ^ (1 << 63), row: Int32(i)))
            }
        }
        eventID.bytes.withUnsafeBytes { idBytes in
            eventID.offsets.withUnsafeBufferPointer { off in
                keys.sort { a, b in
                    if a.primary != b.primary { return a.primary < b.primary }
                    if a.time != b.time { return a.time < b.time }
                    let ra = Int(a.row)
                    let rb = Int(b.row)
                    let c = compareBytes(
                        idBytes.baseAddress.map { $0 + off[ra] }, off[ra + 1] - off[ra],
                        idBytes.baseAddress.map { $0 + off[rb] }, off[rb + 1] - off[rb])
                    return c != 0 ? c < 0 : ra < rb
                }
            }
        }
        return keys.map(\.row)
    }

    private struct SortKey {
        var primary: UInt64
        var time: UInt64
        var row: Int32
    }
}

extension ByteColumn {
    /// Each value's rank among the distinct values in byte order (equal values, equal rank).
    package func ranks() -> [UInt32] {
        let n = count
        var ids = [UInt32](repeating: 0, count: n)
        var firsts: [Int] = []
        var hashes: [UInt64] = []
        var table = [Int32](repeating: -1, count: 1024)
        bytes.withUnsafeBytes { raw in
            offsets.withUnsafeBufferPointer { off in
                let base = raw.baseAddress
                func equal(_ a: Int, _ b: Int) -> Bool {
                    compareBytes(
                        base.map { $0 + off[a] }, off[a + 1] - off[a], base.map { $0 + off[b] }, off[b + 1] - off[b])
                        == 0
                }
                var previous = -1
                for i in 0..<n {
                    // Sorted inputs repeat a value over many rows: reuse the previous row's id.
                    if previous >= 0, equal(previous, i) {
                        ids[i] = ids[previous]
                        previous = i
                        continue
                    }
                    previous = i
                    let h = Self.hash(UnsafeRawBufferPointer(rebasing: raw[off[i]..<off[i + 1]]))
                    var mask = table.count - 1
                    var slot = Int(truncatingIfNeeded: h) & mask
                    var found: Int32 = -1
                    while table[slot] >= 0 {
                        let id = Int(table[slot])
                        if hashes[id] == h, equal(firsts[id], i) {
                            found = Int32(id)
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                    if found < 0 {
                        found = Int32(firsts.count)
                        firsts.append(i)
                        hashes.append(h)
                        table[slot] = found
                        if firsts.count * 2 > table.count {
                            table = [Int32](repeating: -1, count: table.count * 2)
                            mask = table.count - 1
                            for (id, h) in hashes.enumerated() {
                                var s = Int(truncatingIfNeeded: h) & mask
                                while table[s] >= 0 { s = (s + 1) & mask }
                                table[s] = Int32(id)
                            }
                        }
                    }
                    ids[i] = UInt32(found)
                }
            }
        }
        let order = bytes.withUnsafeBytes { raw in
            offsets.withUnsafeBufferPointer { off in
                firsts.indices.sorted { x, y in
                    let a = firsts[x]
                    let b = firsts[y]
                    return compareBytes(
                        raw.baseAddress.map { $0 + off[a] }, off[a + 1] - off[a],
                        raw.baseAddress.map { $0 + off[b] }, off[b + 1] - off[b]) < 0
                }
            }
        }
        var rank = [UInt32](repeating: 0, count: firsts.count)
        for (k, id) in order.enumerated() { rank[id] = UInt32(k) }
        return ids.map { rank[Int($0)] }
    }

    /// A fast 64-bit hash of a short byte string (8-byte words through a multiply-xorshift mix).
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}
