/// The physical + logical type of a leaf column.
package enum ParquetType: Sendable, Hashable, CaseIterable {
    case int32, int64, double, boolean
    /// BYTE_ARRAY annotated STRING / UTF8.
    case string
    /// INT64 annotated TIMESTAMP(isAdjustedToUTC = true, MICROS): microseconds since the Unix epoch, UTC.
    case timestampMicros
    /// FIXED_LEN_BYTE_ARRAY(16) without a logical type, written for UUIDs (16 bytes, most significant
    /// first, RFC 9562); held as `.byteArrays` of exactly 16 bytes each (a null row's slot is empty).
    /// Never dictionary encoded. Not annotated UUID: Apache Spark (4.3 included) refuses a whole file
    /// with a UUID-annotated column ("Illegal Parquet type"), and reads this as binary. A file's column
    /// annotated UUID reads as this type too.
    case fixed16

    /// Bytes per value in PLAIN encoding, nil for variable-length and bit-packed types.
    var fixedWidth: Int? {
        switch self {
        case .int32: 4
        case .int64, .double, .timestampMicros: 8
        case .fixed16: 16
        case .boolean, .string: nil
        }
    }

    /// Whether DELTA_BINARY_PACKED applies: the integer physical types.
    var supportsDelta: Bool {
        switch self {
        case .int32, .int64, .timestampMicros: true
        case .double, .boolean, .string, .fixed16: false
        }
    }
}

/// How a data page stores the values that are not dictionary encoded.
package enum ParquetEncoding: Sendable, Hashable, CaseIterable {
    /// Values as they are in memory (little-endian fixed width, length-prefixed byte arrays).
    case plain
    /// DELTA_BINARY_PACKED: a first value, then per block of 128 the minimum delta and bit-packed
    /// deltas from it. For INT32 / INT64 / TIMESTAMP columns only; pays off on sorted or slowly
    /// changing integers such as event times, where a delta takes a few bits instead of 64.
    case deltaBinaryPacked
}

/// One leaf column of a flat schema.
package struct ParquetField: Sendable, Hashable {
    package var name: String
    package var type: ParquetType
    /// OPTIONAL (may hold nulls, carries definition levels) rather than REQUIRED.
    package var optional: Bool
    /// Ask for dictionary encoding (RLE_DICTIONARY); the writer falls back to PLAIN per column chunk when
    /// the dictionary would be too large. Honoured for `.string`, `.int64` and `.timestampMicros`.
    package var dictionary: Bool
    /// The encoding of data pages that are not dictionary encoded: when `dictionary` is set it takes
    /// precedence, and this applies only to a chunk that fell back. `.deltaBinaryPacked` needs an
    /// integer type (`.int32`, `.int64`, `.timestampMicros`); the writer refuses it on others.
    package var encoding: ParquetEncoding

    package init(
        name: String, type: ParquetType, optional: Bool = false, dictionary: Bool = false,
        encoding: ParquetEncoding = .plain
    ) {
        self.name = name
        self.type = type
        self.optional = optional
        self.dictionary = dictionary
        self.encoding = encoding
    }
}

/// A flat schema: the root plus leaf columns, no nesting, no repetition.
package struct ParquetSchema: Sendable, Hashable {
    package var fields: [ParquetField]

    package init(fields: [ParquetField]) {
        self.fields = fields
    }

    /// The index of the column named `name`, if any.
    package func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
