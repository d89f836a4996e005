package import UpliftParquet

/// The segment format: its version and Parquet schema, both from `EventColumn.all`.
package enum EventSchema {
    package static let formatVersion = "1"

    package static let schema = ParquetSchema(fields: EventColumn.all.map(\.field))
}
