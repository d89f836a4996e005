package import UpliftParquet

/// The segment format written now: its version and Parquet schema, both from `EventColumn.all`.
package enum EventSchema {
    package static let formatVersion = SegmentFormat.current.rawValue

    package static let schema = SegmentFormat.current.schema
}
