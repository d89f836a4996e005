/// ColumnChunk with its ColumnMetaData flattened in (Uplift never splits chunks into other files).
package struct ColumnChunkMeta: Sendable, Hashable {
    package var type: Int32
    package var encodings: [Int32]
    package var path: [String]
    package var codec: Int32
    package var numValues: Int64
    package var totalUncompressedSize: Int64
    package var totalCompressedSize: Int64
    package var dataPageOffset: Int64
    package var dictionaryPageOffset: Int64?
    package var statistics: StatisticsMeta?

    package init(
        type: Int32, encodings: [Int32], path: [String], codec: Int32, numValues: Int64,
        totalUncompressedSize: Int64, totalCompressedSize: Int64, dataPageOffset: Int64,
        dictionaryPageOffset: Int64?, statistics: StatisticsMeta?
    ) {
        self.type = type
        self.encodings = encodings
        self.path = path
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.dataPageOffset = dataPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
    }

    /// Where the chunk's first page starts.
    package var startOffset: Int64 { dictionaryPageOffset ?? dataPageOffset }

    package func thrift() -> ThriftStruct {
        var meta = ThriftStruct()
        meta.add(1, .i32(type))
        meta.add(2, .list(.i32, encodings.map { .i32($0) }))
        meta.add(3, .list(.binary, path.map { .string($0) }))
        meta.add(4, .i32(codec))
        meta.add(5, .i64(numValues))
        meta.add(6, .i64(totalUncompressedSize))
        meta.add(7, .i64(totalCompressedSize))
        meta.add(9, .i64(dataPageOffset))
        meta.add(11, dictionaryPageOffset.map { .i64($0) })
        meta.add(12, statistics.map { .structure($0.thrift()) })
        var chunk = ThriftStruct()
        chunk.add(2, .i64(startOffset))
        chunk.add(3, .structure(meta))
        return chunk
    }

    package init(thrift chunk: ThriftStruct) throws(ParquetError) {
        if chunk[1] != nil { throw ParquetError(.unsupported, "column chunks stored in other files are not supported") }
        let m = try chunk.requiredStructure(3, "ColumnChunk.meta_data")
        type = try m.requiredI32(1, "ColumnMetaData.type")
        encodings = try (m.list(2, "ColumnMetaData.encodings", of: .i32) ?? []).map { v throws(ParquetError) in
            guard case .i32(let e) = v else { throw .corrupt("ColumnMetaData.encodings has the wrong Thrift type") }
            return e
        }
        path = try (m.list(3, "ColumnMetaData.path_in_schema", of: .binary) ?? []).map { v throws(ParquetError) in
            guard case .binary(let b) = v, let s = String(validating: b, as: UTF8.self) else {
                throw .corrupt("ColumnMetaData.path_in_schema is not valid UTF-8")
            }
            return s
        }
        codec = try m.requiredI32(4, "ColumnMetaData.codec")
        numValues = try m.requiredI64(5, "ColumnMetaData.num_values")
        totalUncompressedSize = try m.requiredI64(6, "ColumnMetaData.total_uncompressed_size")
        totalCompressedSize = try m.requiredI64(7, "ColumnMetaData.total_compressed_size")
        dataPageOffset = try m.requiredI64(9, "ColumnMetaData.data_page_offset")
        dictionaryPageOffset = try m.i64(11, "ColumnMetaData.dictionary_page_offset")
        statistics = try m.structure(12, "ColumnMetaData.statistics").map { t throws(ParquetError) in
            try StatisticsMeta(thrift: t)
        }
    }
}

/// Column-chunk statistics: min/max in PLAIN encoding (without length prefix) and the null count.
package struct StatisticsMeta: Sendable, Hashable {
    package var nullCount: Int64?
    package var minValue: [UInt8]?
    package var maxValue: [UInt8]?

    package init(nullCount: Int64?, minValue: [UInt8]?, maxValue: [UInt8]?) {
        self.nullCount = nullCount
        self.minValue = minValue
        self.maxValue = maxValue
    }

    package func thrift() -> ThriftStruct {
        var s = ThriftStruct()
        s.add(3, nullCount.map { .i64($0) })
        s.add(5, maxValue.map { .binary($0) })
        s.add(6, minValue.map { .binary($0) })
        return s
    }

    package init(thrift s: ThriftStruct) throws(ParquetError) {
        nullCount = try s.i64(3, "Statistics.null_count")
        maxValue = try s.binary(5, "Statistics.max_value")
        minValue = try s.binary(6, "Statistics.min_value")
    }
}
