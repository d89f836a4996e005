package import UpliftModel
package import UpliftStorage

/// Decodes the event, distinct id and time columns of a segment into an `EventBlock`.
///
/// `keeping`: nil decodes every row; a set of event names decodes only the rows of those events. The
/// other rows stay in the block (row numbers are the file's, for the texts) but hidden
/// (`EventBlock.hiddenCode`), and their distinct ids are not interned, which is most of a cold read's
/// work when a question names a few events of many (a funnel's steps). Such a block answers only
/// questions about those events: an engine that keeps blocks for later questions decodes every row.
package enum SegmentDecoder {
    package static func block(
        path: String, dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil, keeping: Set<String>? = nil
    ) throws(UpliftError) -> EventBlock {
        let segment = try EventSegment(path: path, columns: columns)
        let groups = try segment.rowGroupSizes.indices.map { (g) throws(UpliftError) in
            try rowGroup(segment, g, dictionaries, keeping)
        }
        return block(path: path, groups, textBudget: textBudget)
    }

    /// The blocks of `paths`, in order, decoded on every core. With at least two segments per core each
    /// core takes whole segments; with fewer (a short range, or one large compacted segment a day) the
    /// segments' row groups are shared out instead, so no core waits while another decodes a segment.
    package static func blocks(
        paths: [String], dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil,
        budget: QueryBudget? = nil, keeping: Set<String>? = nil
    ) throws(UpliftError) -> [EventBlock] {
        if paths.count >= 2 * activeProcessorCount() {
            return try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
                try budget?.check()
                return try block(path: path, dictionaries: dictionaries, textBudget: textBudget, keeping: keeping)
            }
        }
        let segments = try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
            try budget?.check()
            return try EventSegment(path: path, columns: columns)
        }
        let work = segments.indices.flatMap { s in segments[s].rowGroupSizes.indices.map { RowGroupRef(s, $0) } }
        let decoded = try FrameBuilder.parallelMap(work) { (ref) throws(UpliftError) in
            try budget?.check()
            return try rowGroup(segments[ref.segment], ref.rowGroup, dictionaries, keeping)
        }
        var grouped = [[RowGroupColumns]](repeating: [], count: segments.count)
        for (ref, columns) in zip(work, decoded) { grouped[ref.segment].append(columns) }
        let bySegment = grouped
        let indices = Array(segments.indices)
        return try FrameBuilder.parallelMap(indices) { (s) throws(UpliftError) in
            block(path: paths[s], bySegment[s], textBudget: textBudget)
        }
    }

    /// The columns a block holds.
    private static let columns: [EventColumn] = [.event, .distinctID, .timestamp]

    private struct RowGroupRef: Sendable {
        let segment: Int
        let rowGroup: Int
        init(_ segment: Int, _ rowGroup: Int) {
            self.segment = segment
            self.rowGroup = rowGroup
        }
    }

    /// One row group's columns as project dictionary codes and times.
    private struct RowGroupColumns: Sendable {
        var events: [Int32]
        var distinctIDs: [Int32]
        var times: [Int64]
    }

    private static func rowGroup(
        _ segment: EventSegment, _ g: Int, _ dictionaries: ProjectDictionaries, _ keeping: Set<String>?
    ) throws(UpliftError) -> RowGroupColumns {
        var events = codes(try segment.byteStrings(.event, rowGroup: g), dictionaries.events)
        let ids = try segment.byteStrings(.distinctID, rowGroup: g)
        let times = try segment.integers(.timestamp, rowGroup: g)
        guard let keeping else {
            return RowGroupColumns(events: events, distinctIDs: codes(ids, dictionaries.distinctIDs), times: times)
        }
        // Every event name of the chunk is interned above, so the kept ones have their codes now.
        var kept = [Bool](repeating: false, count: dictionaries.events.count)
        for code in dictionaries.events.codes(of: Array(keeping)) {
            if let code, Int(code) < kept.count { kept[Int(code)] = true }
        }
        var selected = [Bool](repeating: false, count: events.count)
        for i in events.indices {
            // Codes interned by another segment since `kept` was made are events not kept.
            let code = Int(events[i])
            if code < kept.count && kept[code] { selected[i] = true } else { events[i] = EventBlock.hiddenCode }
        }
        return RowGroupColumns(
            events: events, distinctIDs: codes(ids, dictionaries.distinctIDs, selected: selected), times: times)
    }

    private static func block(path: String, _ groups: [RowGroupColumns], textBudget: TextBudget?) -> EventBlock {
        guard groups.count != 1 else {
            return EventBlock(
                events: groups[0].events, distinctIDs: groups[0].distinctIDs, times: groups[0].times,
                origin: .segment(path: path, texts: SegmentTexts(path: path, budget: textBudget)))
        }
        let rows = groups.reduce(0) { $0 + $1.times.count }
        var events: [Int32] = []
        var distinct: [Int32] = []
        var times: [Int64] = []
        events.reserveCapacity(rows)
        distinct.reserveCapacity(rows)
        times.reserveCapacity(rows)
        for group in groups {
            events += group.events
            distinct += group.distinctIDs
            times += group.times
        }
        return EventBlock(
            events: events, distinctIDs: distinct, times: times,
            origin: .segment(path: path, texts: SegmentTexts(path: path, budget: textBudget)))
    }

    /// A string column as project dictionary codes, from its bytes: a dictionary-encoded chunk interns
    /// only its dictionary; a PLAIN one (after a dictionary fallback) every run of equal values. With
    /// `selected` (a flag per row), only the values of the selected rows: the others may get code -1.
    package static func codes(
        _ strings: EventSegment.ByteStrings, _ dictionary: ProjectDictionary, selected: [Bool]? = nil
    ) -> [Int32] {
        switch strings {
        case .dictionary(let values, let indices):
            var used: [Bool]? = nil
            if let selected {
                var flags = [Bool](repeating: false, count: values.count)
                for i in indices.indices where selected[i] { flags[Int(indices[i])] = true }
                used = flags
            }
            let map = dictionary.intern(values, selected: used)
            return map.withUnsafeBufferPointer { map in indices.map { map[Int($0)] } }
        case .plain(let values):
            return dictionary.intern(values, selected: selected)
        }
    }
}
