package import UpliftParquet

/// The segment formats this build reads, named by the footer key `uplift.format`. Flush and
/// compaction write `current`; every reader takes either, so data directories written before keep working.
package enum SegmentFormat: String, Sendable, CaseIterable {
    /// Event ids as text; `sent_at` as a timestamp.
    case version1 = "1"
    /// Lower-case canonical UUID event ids in 16 bytes (`event_uuid`), other ids as text (`event_id`);
    /// `sent_at_offset` as microseconds from `timestamp` (see schemas/STORAGE.md).
    case version2 = "2"

    package static let current = version2

    /// The Parquet schema of a segment of this format.
    package var schema: ParquetSchema {
        switch self {
        case .version1: Self.version1Schema
        case .version2: Self.version2Schema
        }
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
