import Synchronization
import UpliftModel
package import UpliftStorage

/// The JSON texts (`properties` or `context`) of a segment's rows, kept by event after the first
/// query that reads them. Without it every query filtering on a property, summing one, or reading
/// exposures and survey answers inflates the segment's whole text column again (most of a warm
/// query's time); with it, the next query over the same events reads memory. Only the events a
/// query asked for are kept, which are usually few and rare (purchases, exposures, answers).
///
/// Lives with its block in the engine's cache and goes when the block is evicted. The texts are
/// counted against a `TextBudget` shared by the engine's blocks: past it, texts are read and
/// served but not kept.
package final class SegmentTexts: Sendable {
    /// The texts of one event's rows: block rows ascending, text k is `bytes[offsets[k] ..< offsets[k + 1]]`.
    package struct Texts: Sendable {
        var rows: [Int32] = []
        var offsets: [Int] = [0]
        var bytes: [UInt8] = []

        var size: Int { rows.count * 12 + bytes.count + 96 }

        mutating func append(_ row: Int32, _ text: UnsafeRawBufferPointer) {
            rows.append(row)
            bytes.append(contentsOf: text)
            offsets.append(bytes.count)
        }
    }

    private struct Key: Hashable {
        var source: PropertyRef.Source
        var event: Int32
    }

    let path: String
    private let budget: TextBudget?
    private let kept = Mutex<(texts: [Key: Texts], bytes: Int)>(([:], 0))
    /// The segment's typed property columns, from its footer on first use.
    private let typedColumns = Mutex<PropertyShredding?>(nil)

    package init(path: String, budget: TextBudget?) {
        self.path = path
        self.budget = budget
    }

    deinit {
        budget?.release(kept.withLock { $0.bytes })
    }

    /// The segment's typed property columns (none before format 3), read once.
    func shredding() throws(UpliftError) -> PropertyShredding {
        if let known = typedColumns.withLock({ $0 }) { return known }
        let read = try SegmentReader.shredding(path: path)
        typedColumns.withLock { $0 = read }
        return read
    }

    /// Whether the texts of every one of `events` are kept.
    func keepsTexts(_ source: PropertyRef.Source, events: Set<Int32>) -> Bool {
        kept.withLock { k in events.allSatisfy { k.texts[Key(source: source, event: $0)] != nil } }
    }

    /// The texts of every row of the given events in `block` (whose file this is).
    func texts(
        _ source: PropertyRef.Source, events: Set<Int32>, block: EventBlock
    ) throws(UpliftError) -> [Int32: Texts] {
        var found: [Int32: Texts] = [:]
        kept.withLock { k in
            for event in events { found[event] = k.texts[Key(source: source, event: event)] }
        }
        var missing = events.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found }
        // The column is inflated anyway: also keep the rare events' texts (each at most 1% of the
        // rows), which are what the next queries most likely read (purchases, exposures, answers).
        if let budget, budget.limit > 0 {
            let rare = kept.withLock { k in
                block.postingCodes.indices.filter { i in
                    Int(block.postingStarts[i + 1] - block.postingStarts[i]) * 100 <= block.count
                        && k.texts[Key(source: source, event: block.postingCodes[i])] == nil
                }.map { block.postingCodes[$0] }
            }
            missing.formUnion(rare)
        }
        let read = try read(source, events: missing, block: block)
        for (event, texts) in read {
            if events.contains(event) { found[event] = texts }
            guard let budget, budget.reserve(texts.size) else { continue }
            let kept = kept.withLock { k in
                let key = Key(source: source, event: event)
                guard k.texts[key] == nil else { return false }  // another query kept them first
                k.texts[key] = texts
                k.bytes += texts.size
                return true
            }
            if !kept { budget.release(texts.size) }
        }
        return found
    }

    /// One pass over the row groups that hold rows of `events`, copying out their texts.
    private func read(
        _ source: PropertyRef.Source, events: Set<Int32>, block: EventBlock
    ) throws(UpliftError) -> [Int32: Texts] {
        guard let rows = block.rows(ofEvents: { events.contains($0) }, atMost: .max), !rows.isEmpty else { return [:] }
        var out: [Int32: Texts] = [:]
        for event in events { out[event] = Texts() }
        let segment = try EventSegment(path: path)
        var groupStart = 0
        var next = 0
        for (group, size) in segment.rowGroupSizes.enumerated() {
            let groupEnd = groupStart + size
            defer { groupStart = groupEnd }
            guard next < rows.count, Int(rows[next]) < groupEnd else { continue }
            let texts = try segment.texts(source.column, rowGroup: group)
            var end = next
            while end < rows.count, Int(rows[end]) < groupEnd { end += 1 }
            texts.forEach(rows[next..<end].lazy.map { Int($0) - groupStart }) { i, text in
                let row = groupStart + i
                out[block.events[row]]?.append(Int32(row), text)
            }
            next = end
        }
        return out
    }
}

/// Bytes of segment texts the engine may keep, shared by all its blocks.
package final class TextBudget: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)

    package init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= limit {
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }

    package var usedBytes: Int { used.load(ordering: .relaxed) }
}

extension PropertyRef.Source {
    /// The stored column that holds the JSON text.
    package var column: EventColumn {
        switch self {
        case .properties: .properties
        case .context: .context
        }
    }
}
