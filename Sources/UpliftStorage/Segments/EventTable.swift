package import UpliftModel
package import UpliftParquet

/// Events held column by column, the way segments store them: what flush and compaction sort and
/// write without ever building an `Event` (eleven Strings) per row. Its columns are `EventColumn.all`.
///
/// Null rows hold an empty string or 0.
package struct EventTable: Sendable {
    /// The byte-string columns, by `EventColumn.index` (an integer column's entry stays empty).
    private var strings: [ByteColumn]
    /// The integer columns, by `EventColumn.index` (a byte-string column's entry stays empty).
    private var integers: [[Int64]]
    /// Whether each row holds a value, for the optional columns, by `EventColumn.index`.
    private var validity: [[Bool]]
    package private(set) var count = 0

    package init() {
        strings = EventColumn.all.map { _ in ByteColumn() }
        integers = EventColumn.all.map { _ in [] }
        validity = EventColumn.all.map { _ in [] }
    }

    /// A byte-string column's values.
    package subscript(bytes column: EventColumn) -> ByteColumn { strings[column.index] }

    /// An integer column's values.
    package subscript(integers column: EventColumn) -> [Int64] { integers[column.index] }

    package mutating func reserveCapacity(_ n: Int) {
        for column in EventColumn.all {
            if column.holdsBytes {
                strings[column.index].reserveCapacity(values: n, bytes: 0)
            } else {
                integers[column.index].reserveCapacity(n)
            }
            if column.isOptional { validity[column.index].reserveCapacity(n) }
        }
    }

    package mutating func append(_ e: Event) {
        for column in EventColumn.all {
            let i = column.index
            switch column.value {
            case .string(let path):
                strings[i].append(e[keyPath: path])
            case .eventType(let path):
                strings[i].append(e[keyPath: path].rawValue)
            case .optionalString(let path):
                let value = e[keyPath: path]
                if let value { strings[i].append(value) } else { strings[i].appendEmpty() }
                validity[i].append(value != nil)
            case .micros(let path):
                integers[i].append(e[keyPath: path])
            case .optionalMicros(let path):
                let value = e[keyPath: path]
                integers[i].append(value ?? 0)
                validity[i].append(value != nil)
            }
        }
        count += 1
    }

    /// Appends one row group read from a segment of `format` with typed property columns `shredding` (all
    /// its columns, in schema order), checking that it has that format's types and only known event types,
    /// as reading it into events would. The `properties` texts get their shredded members back.
    package mutating func append(
        rowGroup read: [ColumnData], format: SegmentFormat = .current,
        shredding: PropertyShredding = PropertyShredding()
    ) throws(UpliftError) {
        let rows = read.first?.count ?? 0
        let base = format.schema.fields.count
        guard read.count == base + shredding.properties.count,
            read.allSatisfy({ $0.count == rows && ($0.validity?.count ?? rows) == rows })
        else { throw UpliftError(.corrupt, "segment columns do not have the event schema's types") }
        var c = Array(read.prefix(base))
        if !shredding.properties.isEmpty {
            let p = EventColumn.properties.index
            guard case .byteArrays(let texts) = c[p].values, c[p].validity == nil else {
                throw UpliftError(.corrupt, "segment columns do not have the event schema's types")
            }
            c[p] = ColumnData(values: .byteArrays(try shredding.rebuild(texts, columns: Array(read.dropFirst(base)))))
        }
        // Everything is checked (and the stored forms turned back into values) before anything is
        // appended, so a refused row group leaves the table as it was.
        let stored = format == .version1 ? c : try Self.values(ofStored: c, rows: rows)
        for column in EventColumn.all {
            switch stored[column.index].values {
            case .byteArrays(let values) where column.holdsBytes:
                if case .eventType = column.value { try Self.checkTypes(values) }
            case .int64 where !column.holdsBytes:
                break
            default:
                throw UpliftError(.corrupt, "segment columns do not have the event schema's types")
            }
        }
        for column in EventColumn.all {
            let i = column.index
            let valid = column.isOptional ? stored[i].validity : nil
            switch stored[i].values {
            case .byteArrays(let values):
                strings[i].append(values, validity: valid)
            case .int64(let values):
                if let valid { integers[i] += zip(values, valid).map { $1 ? $0 : 0 } } else { integers[i] += values }
            default:
                break  // refused above
            }
            if column.isOptional { validity[i] += valid ?? [Bool](repeating: true, count: rows) }
        }
        count += rows
    }

    /// The columns of `EventColumn.all` as format 1 held them (text ids, absolute times) from the current
    /// format's stored columns.
    private static func values(ofStored c: [ColumnData], rows: Int) throws(UpliftError) -> [ColumnData] {
        var out = Array(c.prefix(EventColumn.all.count))
        guard case .int64(let timestamps) = c[EventColumn.timestamp.index].values else {
            throw UpliftError(.corrupt, "segment columns do not have the event schema's types")
        }
        for column in EventColumn.all {
            switch column.storage {
            case .asIs:
                break
            case .uuidOrText:
                guard let companion = column.companion else { continue }
                out[column.index] = ColumnData(
                    values: .byteArrays(try EventIDColumns.texts(text: c[column.index], uuid: c[companion.index])))
            case .offsetFromTimestamp:
                guard case .int64(let offsets) = c[column.index].values else {
                    throw UpliftError(.corrupt, "segment columns do not have the event schema's types")
                }
                // Wrapping both ways: whatever the writer subtracted comes back exactly.
                let times = zip(offsets, timestamps).map { $0 &+ $1 }
                out[column.index] = ColumnData(values: .int64(times), validity: c[column.index].validity)
            }
        }
        return out
    }

    private static let knownTypes = EventType.allCases.map { Array($0.rawValue.utf8) }

    private static func checkTypes(_ types: ByteArrays) throws(UpliftError) {
        var previous: ArraySlice<UInt8>?
        for i in 0..<types.count {
            let value = types[i]
            // Type columns are long runs of few values: compare with the last checked one first.
            if let previous, previous.elementsEqual(value) { continue }
            guard knownTypes.contains(where: { $0.elementsEqual(value) }) else {
                throw UpliftError(.corrupt, "segment row \(i) has an unknown event type")
            }
            previous = value
        }
    }

    /// One row group's columns, in the current format's schema order, holding `rows`, in that order, with
    /// the members of `shredding`'s properties moved out of the `properties` texts into typed columns last.
    package func rowGroup(
        _ rows: ArraySlice<Int32>, shredding: PropertyShredding = PropertyShredding()
    ) throws(UpliftError) -> [ColumnData] {
        var columns: [ColumnData] = []
        var companions: [ColumnData] = []
        var shredded: [ColumnData] = []
        columns.reserveCapacity(EventSchema.schema.fields.count + shredding.properties.count)
        let timestamps = integers[EventColumn.timestamp.index].withUnsafeBufferPointer { v in rows.map { v[Int($0)] } }
        for column in EventColumn.all {
            let i = column.index
            var valid: [Bool]?
            if column.isOptional {
                let picked = validity[i].withUnsafeBufferPointer { v in rows.map { v[Int($0)] } }
                valid = picked.allSatisfy { $0 } ? nil : picked
            }
            if column.holdsBytes {
                let values = try strings[i].gather(rows)
                if column.storage == .uuidOrText {
                    let (text, uuid) = try EventIDColumns.split(values)
                    columns.append(text)
                    companions.append(uuid)
                } else if column.index == EventColumn.properties.index, !shredding.properties.isEmpty {
                    let (texts, typed) = shredding.split(values)
                    columns.append(ColumnData(values: .byteArrays(texts), validity: valid))
                    shredded = typed
                } else {
                    columns.append(ColumnData(values: .byteArrays(values), validity: valid))
                }
            } else {
                var values = integers[i].withUnsafeBufferPointer { v in rows.map { v[Int($0)] } }
                if column.storage == .offsetFromTimestamp {
                    for k in values.indices { values[k] = valid?[k] ?? true ? values[k] &- timestamps[k] : 0 }
                }
                columns.append(ColumnData(values: .int64(values), validity: valid))
            }
        }
        return columns + companions + shredded
    }
}

extension EventTable {
    /// Row `row` as an event (exports, which materialise few rows).
    package func event(at row: Int) -> Event {
        var event = Event(eventID: "", type: .track, event: "", distinctID: "", timestamp: 0, receivedAt: 0)
        for column in EventColumn.all {
            let i = column.index
            let present = !column.isOptional || validity[i][row]
            switch column.value {
            case .string(let path):
                event[keyPath: path] = strings[i].string(at: row)
            case .eventType(let path):
                event[keyPath: path] = EventType(rawValue: strings[i].string(at: row)) ?? .track
            case .optionalString(let path):
                event[keyPath: path] = present ? strings[i].string(at: row) : nil
            case .micros(let path):
                event[keyPath: path] = integers[i][row]
            case .optionalMicros(let path):
                event[keyPath: path] = present ? integers[i][row] : nil
            }
        }
        return event
    }
}
