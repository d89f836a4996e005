package import UpliftModel
package import UpliftParquet

/// One column of the stored event record: where it sits in a segment, its name, its value in an
/// `Event` (which fixes its Parquet physical and logical type) and how its pages are encoded.
/// `EventColumn.all` is the one description of the record that the segment writer and reader, the
/// log codec and the analysis all follow.
package struct EventColumn: Sendable {
    /// A field of an `Event`.
    package typealias Path<Value> = any WritableKeyPath<Event, Value> & Sendable

    /// Where the value lives in an `Event`, and so how it is stored.
    package enum Value: Sendable {
        /// BYTE_ARRAY, logical type STRING.
        case string(Path<String>)
        /// BYTE_ARRAY STRING, OPTIONAL: `nil` is a null.
        case optionalString(Path<String?>)
        /// BYTE_ARRAY STRING holding the type's raw value (`track`, `identify`, …).
        case eventType(Path<EventType>)
        /// INT64, logical type TIMESTAMP(MICROS, UTC).
        case micros(Path<Int64>)
        /// INT64 TIMESTAMP(MICROS, UTC), OPTIONAL: `nil` is a null.
        case optionalMicros(Path<Int64?>)
    }

    /// How a value lies in a segment of the current format (format 1 stored every value as it is,
    /// under the names `event_id` and `sent_at`: see `SegmentFormat`).
    package enum Storage: Sendable, Equatable {
        /// In its own type, under the column's name.
        case asIs
        /// An event id: a lower-case canonical UUID as 16 bytes in the companion column (this text
        /// column null), any other id as text here (the companion null). Exactly one of the two is set.
        case uuidOrText
        /// INT64 microseconds from the row's `timestamp` (value − timestamp), no logical type: a client
        /// sends an event a nearly constant distance after it happens.
        case offsetFromTimestamp
    }

    /// A second stored column of a value: `event_uuid`, after the record's columns.
    package struct Companion: Sendable {
        /// Its position in a segment (after `EventColumn.all`'s columns).
        package let index: Int
        package let name: String

        package var field: ParquetField { ParquetField(name: name, type: .fixed16, optional: true) }
    }

    /// How the data pages of a column chunk are encoded.
    package enum Encoding: Sendable {
        case plain
        /// RLE_DICTIONARY, falling back to PLAIN per chunk when the dictionary grows too large.
        case dictionary
        /// DELTA_BINARY_PACKED (integer columns).
        case delta
    }

    /// The column's position in a segment (and in a row group's columns).
    package let index: Int
    package let name: String
    package let value: Value
    package let encoding: Encoding
    package let storage: Storage
    /// The 16-byte column beside a `.uuidOrText` column.
    package let companion: Companion?

    init(
        _ index: Int, _ name: String, _ value: Value, _ encoding: Encoding, _ storage: Storage = .asIs,
        companion: Companion? = nil
    ) {
        self.index = index
        self.name = name
        self.value = value
        self.encoding = encoding
        self.storage = storage
        self.companion = companion
    }

    /// Whether the column holds byte strings (`ByteColumn`, `ByteArrays`) rather than integers.
    package var holdsBytes: Bool {
        switch value {
        case .string, .optionalString, .eventType: true
        case .micros, .optionalMicros: false
        }
    }

    package var isOptional: Bool {
        switch value {
        case .optionalString, .optionalMicros: true
        case .string, .eventType, .micros: false
        }
    }

    /// The column as a Parquet schema field of the current segment format.
    package var field: ParquetField {
        let type: ParquetType
        switch storage {
        case .asIs: type = holdsBytes ? .string : .timestampMicros
        case .uuidOrText: type = .string
        case .offsetFromTimestamp: type = .int64
        }
        return ParquetField(
            name: name, type: type, optional: isOptional || storage == .uuidOrText,
            dictionary: encoding == .dictionary, encoding: encoding == .delta ? .deltaBinaryPacked : .plain)
    }
}

extension EventColumn {
    // position, name, value in an `Event`, encoding, storage. Appending, retyping or renaming a column is a
    // new segment format (`SegmentFormat`), which every reader must go on reading beside the old ones; the
    // positions of the columns format 1 had stay where they were (the analysis reads them by position).
    package static let eventID = EventColumn(
        0, "event_id", .string(\.eventID), .plain, .uuidOrText, companion: eventUUID)
    package static let eventUUID = Companion(index: 11, name: "event_uuid")
    package static let type = EventColumn(1, "type", .eventType(\.type), .dictionary)
    package static let event = EventColumn(2, "event", .string(\.event), .dictionary)
    package static let distinctID = EventColumn(3, "distinct_id", .string(\.distinctID), .dictionary)
    package static let userID = EventColumn(4, "user_id", .optionalString(\.userID), .dictionary)
    package static let anonymousID = EventColumn(5, "anonymous_id", .optionalString(\.anonymousID), .dictionary)
    package static let timestamp = EventColumn(6, "timestamp", .micros(\.timestamp), .delta)
    package static let sentAt = EventColumn(
        7, "sent_at_offset", .optionalMicros(\.sentAt), .delta, .offsetFromTimestamp)
    // Not an offset: an import without receive times gives a whole file one received_at, which a dictionary
    // stores in next to nothing and offsets from every event time would not (schemas/STORAGE.md, "Size").
    package static let receivedAt = EventColumn(8, "received_at", .micros(\.receivedAt), .dictionary)
    // Dictionary: once compaction has moved the frequent members to typed columns, most texts are `{}` or one of
    // a few; where they are not, a chunk falls back to PLAIN (schemas/STORAGE.md, "Shredded properties").
    package static let properties = EventColumn(9, "properties", .string(\.properties), .dictionary)
    package static let context = EventColumn(10, "context", .string(\.context), .dictionary)

    /// Every column, in segment order (`all[i].index == i`).
    package static let all: [EventColumn] = {
        let all = [
            eventID, type, event, distinctID, userID, anonymousID, timestamp, sentAt, receivedAt, properties, context,
        ]
        precondition(all.indices.allSatisfy { all[$0].index == $0 }, "event columns are listed out of position")
        let companions = all.compactMap(\.companion?.index)
        precondition(companions == Array(all.count..<(all.count + companions.count)), "companions follow the columns")
        return all
    }()
}
