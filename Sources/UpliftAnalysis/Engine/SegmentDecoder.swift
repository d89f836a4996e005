package import UpliftModel
import UpliftParquet
import UpliftStorage

/// Decodes the event, distinct id and time columns of a segment into an `EventBlock`.
package enum SegmentDecoder {
    package static func block(path: String, dictionaries: ProjectDictionaries, textBudget: TextBudget? = nil) throws(UpliftError) -> EventBlock {
        let file = try SegmentReader.open(path: path)
        var events: [Int32] = [], distinct: [Int32] = [], times: [Int64] = []
        events.reserveCapacity(file.rowCount); distinct.reserveCapacity(file.rowCount); times.reserveCapacity(file.rowCount)
        do {
            for g in file.rowGroups.indices {
                events += try codes(file, EventSchema.Column.event.rawValue, g, dictionaries.events)
                distinct += try codes(file, EventSchema.Column.distinctID.rawValue, g, dictionaries.distinctIDs)
                guard case .int64(let t) = try file.read(column: EventSchema.Column.timestamp.rawValue, rowGroup: g).values else {
                    throw UpliftError(.corrupt, "timestamp is not an INT64 column")
                }
                times += t
            }
        } catch let error as UpliftError {
            throw UpliftError(error.code, "segment \(path): \(error.message)")
        } catch {
            throw UpliftError(.corrupt, "segment \(path) cannot be read: \(error)")
        }
        return EventBlock(events: events, distinctIDs: distinct, times: times, origin: .segment(path: path, texts: SegmentTexts(path: path, budget: textBudget)))
    }

    /// A string column as project dictionary codes: a dictionary-encoded chunk interns only its
    /// dictionary; a PLAIN one (after a dictionary fallback) every value.
    private static func codes(_ file: ParquetFile, _ column: Int, _ group: Int, _ dictionary: ProjectDictionary) throws -> [Int32] {
        if let d = try file.readDictionary(column: column, rowGroup: group), case .byteArrays(let values) = d.dictionary {
            let map = dictionary.intern((0..<values.count).map { values.string(at: $0) })
            return d.indices.map { map[Int($0)] }
        }
        guard case .byteArrays(let values) = try file.read(column: column, rowGroup: group).values else {
            throw UpliftError(.corrupt, "column \(column) is not a string column")
        }
        return dictionary.intern((0..<values.count).map { values.string(at: $0) })
    }
}
