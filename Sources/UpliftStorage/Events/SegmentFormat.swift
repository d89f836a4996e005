package import UpliftParquet

/// The segment formats this build reads, named by the footer key `uplift.format`. Flush and
/// compaction write `current`; every reader takes either, so data directories written before keep working.
package enum SegmentFormat: String, Sendable, CaseIterable {
    /// Event ids as text; `sent_at` as a timestamp.
    case version1 = "1"
    /// Lower-case canonical UUID event ids in 16 bytes (`event_uuid`), other ids as text (`event_id`);
    /// `sent_at_offset` as microseconds from `timestamp` (see schemas/STORAGE.md).
    case version2 = "2"
    /// Format 2's columns, then any number of typed property columns (`prop_<key>`, `ShreddedProperty`)
    /// holding members moved out of the `properties` texts (see `PropertyShredding`).
    case version3 = "3"

    package static let current = version3

    /// The Parquet schema of a segment of this format; in format 3, the columns every segment has,
    /// before its property columns.
    package var schema: ParquetSchema {
        switch self {
        case .version1: Self.version1Schema
        case .version2, .version3: Self.version2Schema
        }
    }

    /// The typed property columns of a segment of this format with `schema`, or nil when the schema is
    /// not this format's: formats 1 and 2 have exactly their columns; format 3 has format 2's, then
    /// `prop_<key>` columns of distinct plain keys and the property types, all OPTIONAL.
    package func shredding(of schema: ParquetSchema) -> PropertyShredding? {
        // Dictionary and delta encoding are a writer's choice per chunk, not part of the schema read back.
        let shape = { (f: ParquetField) in "\(f.name) \(f.type) \(f.optional)" }
        let base = self.schema.fields
        guard schema.fields.count >= base.count, schema.fields.prefix(base.count).map(shape) == base.map(shape) else {
            return nil
        }
        guard self == .version3 else { return schema.fields.count == base.count ? PropertyShredding() : nil }
        var properties: [ShreddedProperty] = []
        for field in schema.fields.dropFirst(base.count) {
            guard let property = ShreddedProperty(field: field) else { return nil }
            properties.append(property)
        }
        guard Set(properties.map(\.key)).count == properties.count else { return nil }
        return PropertyShredding(properties)
    }

    /// Format 2 is `EventColumn.all`, each column as it stores itself, then the companion columns (`event_uuid`).
    private static let version2Schema = ParquetSchema(
        fields: EventColumn.all.map(\.field) + EventColumn.all.compactMap(\.companion?.field))

    /// Format 1, frozen: segments written before format 2 hold exactly these columns.
    private static let version1Schema = ParquetSchema(fields: [
        ParquetField(name: "event_id", type: .string),
        ParquetField(name: "type", type: .string, dictionary: true),
        ParquetField(name: "event", type: .string, dictionary: true),
        ParquetField(name: "distinct_id", type: .string, dictionary: true),
        ParquetField(name: "user_id", type: .string, optional: true, dictionary: true),
        ParquetField(name: "anonymous_id", type: .string, optional: true, dictionary: true),
        ParquetField(name: "timestamp", type: .timestampMicros, encoding: .deltaBinaryPacked),
        ParquetField(name: "sent_at", type: .timestampMicros, optional: true, encoding: .deltaBinaryPacked),
        ParquetField(name: "received_at", type: .timestampMicros, dictionary: true),
        ParquetField(name: "properties", type: .string),
        ParquetField(name: "context", type: .string, dictionary: true),
    ])
}
