import Foundation
package import UpliftModel
package import UpliftParquet
package import UpliftStorage

// The naive ways into and out of segments, one `Event` per row with every field named by hand:
// references that the columnar paths (`EventTable`, driven by `EventColumn.all`) are checked
// against, and conveniences for tests. Nothing in Sources uses them.

extension EventSchema {
    /// The 16 bytes of a lower-case canonical UUID id (Foundation's parser, which also takes upper case:
    /// an id is stored as bytes only when its bytes print back as the id itself).
    package static func naiveUUID(_ id: String) -> [UInt8]? {
        guard let uuid = UUID(uuidString: id), uuid.uuidString.lowercased() == id else { return nil }
        return withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// One row group's columns for a slice of events, in the current format (format 2).
    package static func columns(_ events: ArraySlice<Event>) -> [ColumnData] {
        var c = format1Columns(events)
        var texts = ByteArrays()
        var uuids = ByteArrays()
        var isUUID = [Bool]()
        for e in events {
            if let bytes = naiveUUID(e.eventID) {
                texts.appendEmpty()
                uuids.append(contentsOf: bytes)
                isUUID.append(true)
            } else {
                texts.append(e.eventID)
                uuids.appendEmpty()
                isUUID.append(false)
            }
        }
        c[0] = ColumnData(values: .byteArrays(texts), validity: isUUID.contains(true) ? isUUID.map { !$0 } : nil)
        c.append(ColumnData(values: .byteArrays(uuids), validity: isUUID.contains(false) ? isUUID : nil))
        let timestamps = events.map(\.timestamp)
        c[7].values = .int64(zip(events, timestamps).map { e, t in e.sentAt.map { $0 - t } ?? 0 })
        return c
    }

    /// One row group's columns for a slice of events as format 1 stored them.
    package static func format1Columns(_ events: ArraySlice<Event>) -> [ColumnData] {
        let n = events.count
        var ids = ByteArrays()
        var types = ByteArrays()
        var names = ByteArrays()
        var distinct = ByteArrays()
        var users = ByteArrays()
        var anons = ByteArrays()
        var props = ByteArrays()
        var contexts = ByteArrays()
        var userValid = [Bool]()
        var anonValid = [Bool]()
        var sentValid = [Bool]()
        var timestamps = [Int64]()
        var sent = [Int64]()
        var received = [Int64]()
        timestamps.reserveCapacity(n)
        for e in events {
            ids.append(e.eventID)
            types.append(e.type.rawValue)
            names.append(e.event)
            distinct.append(e.distinctID)
            if let u = e.userID { users.append(u) } else { users.appendEmpty() }
            userValid.append(e.userID != nil)
            if let a = e.anonymousID { anons.append(a) } else { anons.appendEmpty() }
            anonValid.append(e.anonymousID != nil)
            timestamps.append(e.timestamp)
            sent.append(e.sentAt ?? 0)
            sentValid.append(e.sentAt != nil)
            received.append(e.receivedAt)
            props.append(e.properties)
            contexts.append(e.context)
        }
        return [
            ColumnData(values: .byteArrays(ids)),
            ColumnData(values: .byteArrays(types)),
            ColumnData(values: .byteArrays(names)),
            ColumnData(values: .byteArrays(distinct)),
            ColumnData(values: .byteArrays(users), validity: userValid.allSatisfy { $0 } ? nil : userValid),
            ColumnData(values: .byteArrays(anons), validity: anonValid.allSatisfy { $0 } ? nil : anonValid),
            ColumnData(values: .int64(timestamps)),
            ColumnData(values: .int64(sent), validity: sentValid.allSatisfy { $0 } ? nil : sentValid),
            ColumnData(values: .int64(received)),
            ColumnData(values: .byteArrays(props)),
            ColumnData(values: .byteArrays(contexts)),
        ]
    }

    /// Events back from one row group's columns of the current format (all of them, in schema order).
    package static func events(_ c: [ColumnData]) throws(UpliftError) -> [Event] {
        guard c.count == 12, case .byteArrays(let texts) = c[0].values, case .byteArrays(let uuids) = c[11].values,
            case .int64(let ts) = c[6].values, case .int64(let sent) = c[7].values
        else { throw UpliftError(.corrupt, "segment columns do not have the event schema's types") }
        var old = Array(c.prefix(11))
        var ids = ByteArrays()
        for i in 0..<texts.count {
            if c[0].isNull(i) {
                let bytes = Array(uuids[i])
                let uuid = UUID(uuid: bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
                ids.append(uuid.uuidString.lowercased())
            } else {
                ids.append(texts.string(at: i))
            }
        }
        old[0] = ColumnData(values: .byteArrays(ids))
        old[7].values = .int64(zip(sent, ts).map { $0 + $1 })
        return try format1Events(old)
    }

    /// Events back from one row group's columns of format 1.
    package static func format1Events(_ c: [ColumnData]) throws(UpliftError) -> [Event] {
        guard c.count == 11,
            case .byteArrays(let ids) = c[0].values, case .byteArrays(let types) = c[1].values,
            case .byteArrays(let names) = c[2].values, case .byteArrays(let distinct) = c[3].values,
            case .byteArrays(let users) = c[4].values, case .byteArrays(let anons) = c[5].values,
            case .int64(let ts) = c[6].values, case .int64(let sent) = c[7].values,
            case .int64(let received) = c[8].values, case .byteArrays(let props) = c[9].values,
            case .byteArrays(let ctx) = c[10].values
        else { throw UpliftError(.corrupt, "segment columns do not have the event schema's types") }
        var events: [Event] = []
        events.reserveCapacity(ids.count)
        for i in 0..<ids.count {
            guard let type = EventType(rawValue: types.string(at: i)) else {
                throw UpliftError(.corrupt, "segment row \(i) has an unknown event type")
            }
            events.append(
                Event(
                    eventID: ids.string(at: i), type: type, event: names.string(at: i),
                    distinctID: distinct.string(at: i),
                    userID: c[4].isNull(i) ? nil : users.string(at: i),
                    anonymousID: c[5].isNull(i) ? nil : anons.string(at: i),
                    timestamp: ts[i], sentAt: c[7].isNull(i) ? nil : sent[i], receivedAt: received[i],
                    properties: props.string(at: i), context: ctx.string(at: i)))
        }
        return events
    }
}

extension SegmentWriter {
    /// Encodes one segment from events already in the configured sort order, in row groups of the configured size.
    package static func encode(
        _ events: [Event], configuration: StoreConfiguration, compressionLevel: Int32,
        compaction: CompactionRecord? = nil
    ) throws(UpliftError) -> [UInt8] {
        try encode(
            rowCount: events.count, configuration: configuration, compressionLevel: compressionLevel,
            compaction: compaction
        ) {
            range throws(UpliftError) in EventSchema.columns(events[range])
        }
    }
}

extension SegmentReader {
    /// Every row of a segment, in file order, as events.
    package static func events(path: String) throws(UpliftError) -> [Event] {
        let (file, format, _) = try openWithFormat(path: path)
        let base = format.schema.fields.count
        var events: [Event] = []
        for g in 0..<file.rowGroups.count {
            let columns: [ColumnData]
            do { columns = try file.schema.fields.indices.map { try file.read(column: $0, rowGroup: g) } } catch {
                throw UpliftError(.corrupt, "segment \(path) cannot be read: \(error)")
            }
            let stored = Array(columns.prefix(base))
            var read = format == .version1 ? try EventSchema.format1Events(stored) : try EventSchema.events(stored)
            // Format 3: each typed property column's non-null values go back into their rows' texts.
            for i in read.indices {
                var members: [(String, JSONValue)] = []
                for (field, column) in zip(file.schema.fields.dropFirst(base), columns.dropFirst(base))
                where !column.isNull(i) {
                    let key = String(field.name.dropFirst("prop_".count))
                    switch column.values {
                    case .byteArrays(let v): members.append((key, .string(v.string(at: i))))
                    case .int64(let v): members.append((key, .number(String(v[i]))))
                    case .double(let v): members.append((key, .number(String(v[i]))))
                    case .boolean(let v): members.append((key, .bool(v[i])))
                    case .int32: throw UpliftError(.corrupt, "a property column of an unexpected type")
                    }
                }
                guard !members.isEmpty else { continue }
                let added = String(JSONValue.object(members).compactText.dropFirst().dropLast())
                let text = read[i].properties
                read[i].properties = text == "{}" ? "{" + added + "}" : text.dropLast() + "," + added + "}"
            }
            events += read
        }
        return events
    }
}

extension Snapshot {
    /// Every event of the snapshot: its segments' rows, then the events still only in the log.
    package func allEvents() throws(UpliftError) -> [Event] {
        var events: [Event] = []
        for path in segments {
            let hiddenRows = Set(hidden[path] ?? [])
            events += try SegmentReader.events(path: path).enumerated()
                .filter { !hiddenRows.contains(Int32($0.offset)) }.map(\.element)
        }
        return events + pending
    }
}
