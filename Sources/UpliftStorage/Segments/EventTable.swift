package import UpliftModel
package import UpliftParquet

/// Events held column by column, the way segments store them: what flush and compaction sort and
/// write without ever building an `Event` (eleven Strings) per row.
///
/// Null rows hold an empty string or 0, exactly as `EventSchema.columns` writes them.
package struct EventTable: Sendable {
    package var eventID = ByteColumn(), type = ByteColumn(), event = ByteColumn(), distinctID = ByteColumn()
    package var userID = ByteColumn(), anonymousID = ByteColumn()
    package var userValid: [Bool] = [], anonymousValid: [Bool] = []
    package var timestamp: [Int64] = [], sentAt: [Int64] = [], sentValid: [Bool] = [], receivedAt: [Int64] = []
    package var properties = ByteColumn(), context = ByteColumn()

    package init() {}

    package var count: Int { timestamp.count }

    package mutating func reserveCapacity(_ n: Int) {
        eventID.reserveCapacity(values: n, bytes: n * 36)
        distinctID.reserveCapacity(values: n, bytes: n * 24)
        properties.reserveCapacity(values: n, bytes: n * 128)
        for i in [\EventTable.type, \.event, \.userID, \.anonymousID, \.context] { self[keyPath: i].reserveCapacity(values: n, bytes: 0) }
        userValid.reserveCapacity(n); anonymousValid.reserveCapacity(n); sentValid.reserveCapacity(n)
        timestamp.reserveCapacity(n); sentAt.reserveCapacity(n); receivedAt.reserveCapacity(n)
    }

    package mutating func append(_ e: Event) {
        eventID.append(e.eventID)
        type.append(e.type.rawValue)
        event.append(e.event)
        distinctID.append(e.distinctID)
        if let u = e.userID { userID.append(u); userValid.append(true) } else { userID.appendEmpty(); userValid.append(false) }
        if let a = e.anonymousID { anonymousID.append(a); anonymousValid.append(true) } else { anonymousID.appendEmpty(); anonymousValid.append(false) }
        timestamp.append(e.timestamp)
        sentAt.append(e.sentAt ?? 0)
        sentValid.append(e.sentAt != nil)
        receivedAt.append(e.receivedAt)
        properties.append(e.properties)
        context.append(e.context)
    }

    /// Appends one row group read from a segment (all columns, in schema order), checking that it
    /// has the event schema's types and only known event types, as reading it into events would.
    package mutating func append(rowGroup c: [ColumnData]) throws(UpliftError) {
        guard c.count == EventSchema.Column.allCases.count,
              case .byteArrays(let ids) = c[0].values, case .byteArrays(let types) = c[1].values,
              case .byteArrays(let names) = c[2].values, case .byteArrays(let distinct) = c[3].values,
              case .byteArrays(let users) = c[4].values, case .byteArrays(let anons) = c[5].values,
              case .int64(let ts) = c[6].values, case .int64(let sent) = c[7].values,
              case .int64(let received) = c[8].values, case .byteArrays(let props) = c[9].values,
              case .byteArrays(let ctx) = c[10].values,
              c.allSatisfy({ $0.count == ids.count && ($0.validity?.count ?? ids.count) == ids.count })
        else { throw UpliftError(.corrupt, "segment columns do not have the event schema's types") }
        try Self.checkTypes(types)
        eventID.append(ids, validity: nil)
        type.append(types, validity: nil)
        event.append(names, validity: nil)
        distinctID.append(distinct, validity: nil)
        userID.append(users, validity: c[4].validity)
        userValid += c[4].validity ?? [Bool](repeating: true, count: ids.count)
        anonymousID.append(anons, validity: c[5].validity)
        anonymousValid += c[5].validity ?? [Bool](repeating: true, count: ids.count)
        timestamp += ts
        if let v = c[7].validity {
            sentAt += zip(sent, v).map { $1 ? $0 : 0 }
            sentValid += v
        } else {
            sentAt += sent
            sentValid += [Bool](repeating: true, count: ids.count)
        }
        receivedAt += received
        properties.append(props, validity: nil)
        context.append(ctx, validity: nil)
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

    /// One row group's columns (schema order) holding `rows`, in that order.
    package func rowGroup(_ rows: ArraySlice<Int32>) throws(UpliftError) -> [ColumnData] {
        func ints(_ values: [Int64]) -> [Int64] {
            values.withUnsafeBufferPointer { v in rows.map { v[Int($0)] } }
        }
        func validity(_ values: [Bool]) -> [Bool]? {
            let picked = values.withUnsafeBufferPointer { v in rows.map { v[Int($0)] } }
            return picked.allSatisfy { $0 } ? nil : picked
        }
        return [
            ColumnData(values: .byteArrays(try eventID.gather(rows))),
            ColumnData(values: .byteArrays(try type.gather(rows))),
            ColumnData(values: .byteArrays(try event.gather(rows))),
            ColumnData(values: .byteArrays(try distinctID.gather(rows))),
            ColumnData(values: .byteArrays(try userID.gather(rows)), validity: validity(userValid)),
            ColumnData(values: .byteArrays(try anonymousID.gather(rows)), validity: validity(anonymousValid)),
            ColumnData(values: .int64(ints(timestamp))),
            ColumnData(values: .int64(ints(sentAt)), validity: validity(sentValid)),
            ColumnData(values: .int64(ints(receivedAt))),
            ColumnData(values: .byteArrays(try properties.gather(rows))),
            ColumnData(values: .byteArrays(try context.gather(rows))),
        ]
    }
}
