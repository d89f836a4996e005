import Synchronization
package import UpliftModel

#if canImport(Glibc)
import Glibc
#endif

/// Merges the segments of one day into few large ones in the configured sort order.
package enum Compactor {
    /// A day needs compacting when it has more than one segment, or when its only segment is a flush
    /// segment (sorted, but compressed for speed rather than size).
    package static func needsCompaction(_ segments: [String], configuration: StoreConfiguration) -> Bool {
        segments.count > 1 || segments.contains { !SegmentLayout.isCompacted($0) }
    }

    /// Writes the merged segments durably, each naming all the sources it replaces and all its sibling
    /// outputs, and returns them with their manifest rows. The caller swaps them into the manifest and then deletes the
    /// sources; a crash in between is finished (or undone, if not every output was written) by
    /// `SegmentManifest.load`.
    /// Blocking: run it on an I/O thread.
    /// `keepingOnePerID`: the sources may hold an event twice (a shared storage, whose nodes each dedup only
    /// their own traffic): one row per event id is kept, the first received.
    /// `erasing`: rows whose `distinct_id`, `user_id` or `anonymous_id` is one of these ids are left out (an
    /// erasure); when no row is left there are no outputs.
    package static func compact(
        _ sources: [String], project: ProjectSlug, day: UTCDay, layout: SegmentLayout,
        configuration: StoreConfiguration,
        keepingOnePerID: Bool = false, erasing ids: Set<String> = []
    ) throws(UpliftError) -> [WrittenSegment] {
        // Columnar all the way: the day's rows are read as columns, sorted as a permutation of
        // integer keys and gathered into the output row groups; no row becomes an `Event`.
        // Compaction works in a few large arrays; what an import freed before it (millions of small
        // strings) would otherwise stay resident beside them. Hand the free heap back first.
        releaseFreeHeap()
        let table = try SegmentReader.table(paths: sources)
        var order = table.permutation(configuration.sortOrder)
        // Each node dedups its own traffic; an event two nodes acknowledged (an SDK's retry that landed on
        // another node) meets its twin here.
        if keepingOnePerID { order = firstReceived(order, in: table) }
        if !ids.isEmpty {
            let named = Set(PersonRows.rows(naming: ids, in: table))
            order.removeAll { named.contains(Int($0)) }
        }
        let rows = order.count
        // One choice for the whole day, from all its rows: every output of the day has the same columns.
        let shredding = PropertyShredding.choose(table[bytes: .properties], rule: configuration.propertyColumns)
        let record = CompactionRecord(
            replaces: sources.map(SegmentLayout.name(of:)),
            outputs: (0..<(rows + configuration.segmentRows - 1) / configuration.segmentRows).map { _ in
                SegmentLayout.newSegmentName(kind: "c", node: configuration.node)
            })
        let directory = layout.partitionDirectory(project, day)
        let times = table[integers: .timestamp]
        var written: [WrittenSegment] = []
        for (k, name) in record.outputs.enumerated() {
            let part = order[min(rows, k * configuration.segmentRows)..<min(rows, (k + 1) * configuration.segmentRows)]
            let bytes = try SegmentWriter.encode(
                table, rows: part, configuration: configuration, compressionLevel: configuration.compressionLevel,
                compaction: record, shredding: shredding)
            let path = directory + "/" + name
            try DurableFile.write(bytes, to: path)
            written.append(
                WrittenSegment(
                    path: path,
                    record: .of(
                        bytes: bytes, path: path, layout: layout, project: project, day: day,
                        node: configuration.node, times: part.lazy.map { times[Int($0)] })))
        }
        return written
    }
}

extension Compactor {
    /// `order` without the rows whose event id a row received earlier has (among equal receive times, the
    /// first in `order` stays). Ids are compared by their 128-bit fingerprints, as the dedup index does.
    static func firstReceived(_ order: [Int32], in table: EventTable) -> [Int32] {
        let ids = table[bytes: .eventID]
        let received = table[integers: .receivedAt]
        var kept: [Fingerprint: Int32] = [:]
        kept.reserveCapacity(order.count)
        var dropped = Set<Int32>()
        ids.bytes.withUnsafeBytes { raw in
            ids.offsets.withUnsafeBufferPointer { offsets in
                for row in order {
                    let r = Int(row)
                    let id = Fingerprint(
                        bytes: UnsafeRawBufferPointer(rebasing: raw[Int(offsets[r])..<Int(offsets[r + 1])]))
                    guard let other = kept[id] else {
                        kept[id] = row
                        continue
                    }
                    if received[r] < received[Int(other)] {
                        dropped.insert(other)
                        kept[id] = row
                    } else {
                        dropped.insert(row)
                    }
                }
            }
        }
        return dropped.isEmpty ? order : order.filter { !dropped.contains($0) }
    }
}

/// glibc's `malloc_trim(0)`: returns free heap pages to the system. Looked up at run time because
/// the Glibc module does not export `<malloc.h>`; a no-op where it is missing.
private let mallocTrim: (@convention(c) (Int) -> Int32)? = {
    #if canImport(Glibc)
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    #else
    return nil
    #endif
}()

/// When the heap was last trimmed: once per compaction run is enough (trimming every day of it
/// costs more system time, in page faults afterwards, than it saves).
private let lastTrim = Mutex<ContinuousClock.Instant?>(nil)

private func releaseFreeHeap() {
    let now = ContinuousClock.now
    let due = lastTrim.withLock { last in
        if let last, last.duration(to: now) < .seconds(10) { return false }
        last = now
        return true
    }
    if due { _ = mallocTrim?(0) }
}

/// What a compacted segment's footer says about the compaction that wrote it.
package struct CompactionRecord: Sendable, Equatable {
    /// File names of the segments merged (in the same partition).
    package var replaces: [String]
    /// File names of every segment the compaction wrote, this one included.
    package var outputs: [String]
}
