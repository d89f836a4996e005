/// A single typed value, as statistics carry it.
package enum ParquetValue: Sendable, Hashable {
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case boolean(Bool)
    case bytes([UInt8])

    /// The value as text when it is a byte array.
    package var string: String? {
        if case .bytes(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }
}

/// Statistics of one column chunk. `min`/`max` are nil when every value is null (or, for long
/// strings, when the writer left them out).
package struct ParquetStatistics: Sendable, Hashable {
    package var nullCount: Int?
    package var min: ParquetValue?
    package var max: ParquetValue?

    package init(nullCount: Int? = nil, min: ParquetValue? = nil, max: ParquetValue? = nil) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }

    init(_ meta: StatisticsMeta?, type: ParquetType) throws(ParquetError) {
        guard let meta else { return }
        nullCount = meta.nullCount.map { Int($0) }
        min = try meta.minValue.map { b throws(ParquetError) in try Self.decode(b, type) }
        max = try meta.maxValue.map { b throws(ParquetError) in try Self.decode(b, type) }
    }

    private static func decode(_ bytes: [UInt8], _ type: ParquetType) throws(ParquetError) -> ParquetValue {
        func load<T: BitwiseCopyable>(_: T.Type) throws(ParquetError) -> T {
            guard bytes.count == MemoryLayout<T>.size else { throw .corrupt("statistics value has the wrong size") }
            return bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
        }
        switch type {
        case .int32: return .int32(try load(Int32.self))
        case .int64, .timestampMicros: return .int64(try load(Int64.self))
        case .double: return .double(try load(Double.self))
        case .boolean:
            guard bytes.count == 1, bytes[0] <= 1 else { throw .corrupt("boolean statistics value is malformed") }
            return .boolean(bytes[0] == 1)
        case .string: return .bytes(bytes)
        case .fixed16:
            guard bytes.count == 16 else { throw .corrupt("UUID statistics value is not 16 bytes") }
            return .bytes(bytes)
        }
    }
}

/// Where a column chunk lives and what its statistics say.
package struct ColumnChunkInfo: Sendable, Hashable {
    /// File offset of the chunk's first page.
    package var offset: Int
    package var compressedSize: Int
    package var uncompressedSize: Int
    package var dictionaryEncoded: Bool
    package var statistics: ParquetStatistics
}

/// One row group: its row count and its column chunks in schema order.
package struct RowGroupInfo: Sendable, Hashable {
    package var rowCount: Int
    package var columns: [ColumnChunkInfo]
}
