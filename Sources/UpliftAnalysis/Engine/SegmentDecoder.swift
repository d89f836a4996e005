package import UpliftModel
package import UpliftStorage

/// Decodes the event, distinct id and time columns of a segment into an `EventBlock`.
package enum SegmentDecoder {
    package static func block(
        path: String, dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil
    ) throws(UpliftError) -> EventBlock {
        let segment = try EventSegment(path: path, columns: columns)
        let groups = try segment.rowGroupSizes.indices.map { (g) throws(UpliftError) in
            try rowGroup(segment, g, dictionaries)
        }
        return block(path: path, groups, textBudget: textBudget)
    }

    /// The blocks of `paths`, in order, decoded on every core. With at least two segments per core each
    /// core takes whole segments; with fewer (a short range, or one large compacted segment a day) the
    /// segments' row groups are shared out instead, so no core waits while another decodes a segment.
    package static func blocks(
        paths: [String], dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil,
        budget: QueryBudget? = nil
    ) throws(UpliftError) -> [EventBlock] {
        if paths.count >= 2 * activeProcessorCount() {
            return try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
                try budget?.check()
                return try block(path: path, dictionaries: dictionaries, textBudget: textBudget)
            }
        }
        let segments = try FrameBuilder.parallelMap(paths) { (path) throws(UpliftError) in
            try budget?.check()
            return try EventSegment(path: path, columns: columns)
        }
        let work = segments.indices.flatMap { s in segments[s].rowGroupSizes.indices.map { RowGroupRef(s, $0) } }
        let decoded = try FrameBuilder.parallelMap(work) { (ref) throws(UpliftError) in
            try budget?.check()
            return try rowGroup(segments[ref.segment], ref.rowGroup, dictionaries)
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
        _ segment: EventSegment, _ g: Int, _ dictionaries: ProjectDictionaries
    ) throws(UpliftError) -> RowGroupColumns {
        RowGroupColumns(
            events: codes(try segment.byteStrings(.event, rowGroup: g), dictionaries.events),
            distinctIDs: codes(try segment.byteStrings(.distinctID, rowGroup: g), dictionaries.distinctIDs),
            times: try segment.integers(.timestamp, rowGroup: g))
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
    /// only its dictionary; a PLAIN one (after a dictionary fallback) every run of equal values.
    package static func codes(_ strings: EventSegment.ByteStrings, _ dictionary: ProjectDictionary) -> [Int32] {
        switch strings {
        case .dictionary(let values, let indices):
            let map = dictionary.intern(values)
            return map.withUnsafeBufferPointer { map in indices.map { map[Int($0)] } }
        case .plain(let values):
            return dictionary.intern(values)
        }
    }
}
