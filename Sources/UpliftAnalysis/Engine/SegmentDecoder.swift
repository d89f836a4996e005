package import UpliftModel
import UpliftStorage

/// Decodes the event, distinct id and time columns of a segment into an `EventBlock`.
package enum SegmentDecoder {
    package static func block(
        path: String, dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil
    ) throws(UpliftError) -> EventBlock {
        let segment = try EventSegment(path: path)
        var events: [Int32] = []
        var distinct: [Int32] = []
        var times: [Int64] = []
        events.reserveCapacity(segment.rowCount)
        distinct.reserveCapacity(segment.rowCount)
        times.reserveCapacity(segment.rowCount)
        for g in segment.rowGroupSizes.indices {
            events += codes(try segment.byteStrings(.event, rowGroup: g), dictionaries.events)
            distinct += codes(try segment.byteStrings(.distinctID, rowGroup: g), dictionaries.distinctIDs)
            times += try segment.integers(.timestamp, rowGroup: g)
        }
        return EventBlock(
            events: events, distinctIDs: distinct, times: times,
            origin: .segment(path: path, texts: SegmentTexts(path: path, budget: textBudget)))
    }

    /// A string column as project dictionary codes, from its bytes: a dictionary-encoded chunk interns
    /// only its dictionary; a PLAIN one (after a dictionary fallback) every run of equal values.
    static func codes(_ strings: EventSegment.ByteStrings, _ dictionary: ProjectDictionary) -> [Int32] {
        switch strings {
        case .dictionary(let values, let indices):
            let map = dictionary.intern(values)
            return map.withUnsafeBufferPointer { map in indices.map { map[Int($0)] } }
        case .plain(let values):
            return dictionary.intern(values)
        }
    }
}
