/// Writes a Parquet file into memory, one row group per `append`; `finish()` returns the whole file.
/// The caller owns durability (write to a temporary name, fsync, rename).
package struct ParquetWriter: Sendable {
    package enum Compression: Sendable, Hashable {
        case gzip
        case none
    }

    package struct Options: Sendable, Hashable {
        package var compression: Compression
        /// zlib level 0...9 for GZIP pages.
        package var compressionLevel: Int
        /// Target uncompressed size of a data page.
        package var pageSize: Int
        /// A dictionary larger than this (PLAIN bytes) makes the column chunk fall back to PLAIN.
        package var dictionaryLimit: Int
        /// Byte-array min/max longer than this are left out of the statistics.
        package var maxStatisticsSize: Int

        package init(
            compression: Compression = .gzip, compressionLevel: Int = 6, pageSize: Int = 1 << 20,
            dictionaryLimit: Int = 1 << 20, maxStatisticsSize: Int = 4096
        ) {
            self.compression = compression
            self.compressionLevel = compressionLevel
            self.pageSize = pageSize
            self.dictionaryLimit = dictionaryLimit
            self.maxStatisticsSize = maxStatisticsSize
        }
    }

    package static let createdBy = "uplift version 0.1.0"
    /// Marks the 8 bytes before the footer: CRC-32 of the footer, then this magic. Parquet has no footer
    /// checksum; other readers skip these bytes, ours refuses a footer that does not match.
    static let footerChecksumMagic: [UInt8] = Array("UFC1".utf8)

    package let schema: ParquetSchema
    package let options: Options
    package let keyValueMetadata: [(key: String, value: String)]
    private var bytes: [UInt8] = Array("PAR1".utf8)
    private var rowGroups: [RowGroupMeta] = []
    private var rowCount: Int64 = 0

    package init(
        schema: ParquetSchema, options: Options = Options(), keyValueMetadata: [(key: String, value: String)] = []
    ) throws(ParquetError) {
        guard !schema.fields.isEmpty else {
            throw ParquetError(.invalidInput, "a Parquet schema needs at least one column")
        }
        guard Set(schema.fields.map(\.name)).count == schema.fields.count else {
            throw ParquetError(.invalidInput, "column names must be unique")
        }
        if let field = schema.fields.first(where: { $0.encoding == .deltaBinaryPacked && !$0.type.supportsDelta }) {
            throw ParquetError(
                .invalidInput,
                "column \(field.name) asks for DELTA_BINARY_PACKED, which needs an int32, int64 or timestamp column; use .plain"
            )
        }
        guard (0...9).contains(options.compressionLevel) else {
            throw ParquetError(.invalidInput, "compression level must be 0...9, got \(options.compressionLevel)")
        }
        guard (1...(256 << 20)).contains(options.pageSize) else {
            throw ParquetError(.invalidInput, "page size must be between 1 byte and 256 MiB")
        }
        self.schema = schema
        self.options = options
        self.keyValueMetadata = keyValueMetadata
    }

    /// Bytes written so far (row groups only, no footer yet); useful to decide when to roll a file.
    package var byteCount: Int { bytes.count }
    package var rowGroupCount: Int { rowGroups.count }

    /// Encodes one row group: one `ColumnData` per schema field, in schema order, all with the same row count.
    package mutating func append(rowGroup columns: [ColumnData]) throws(ParquetError) {
        guard columns.count == schema.fields.count else {
            throw ParquetError(.invalidInput, "a row group needs \(schema.fields.count) columns, got \(columns.count)")
        }
        let rows = columns[0].count
        guard rows > 0 else { throw ParquetError(.invalidInput, "a row group needs at least one row") }
        let start = bytes.count
        var chunks: [ColumnChunkMeta] = []
        var uncompressed: Int64 = 0
        for (field, column) in zip(schema.fields, columns) {
            guard column.count == rows else {
                throw ParquetError(.invalidInput, "column \(field.name) has \(column.count) rows, expected \(rows)")
            }
            var writer = ColumnChunkWriter(field: field, options: options)
            let chunk = try writer.write(column, into: &bytes)
            uncompressed += chunk.totalUncompressedSize
            chunks.append(chunk)
        }
        rowGroups.append(
            RowGroupMeta(
                columns: chunks, totalByteSize: uncompressed, numRows: Int64(rows), fileOffset: Int64(start),
                totalCompressedSize: Int64(bytes.count - start), ordinal: Int16(truncatingIfNeeded: rowGroups.count)
            ))
        rowCount += Int64(rows)
    }

    /// The complete file: row groups, footer checksum, footer, footer length and magic.
    package consuming func finish() -> [UInt8] {
        let footer = ThriftCompactWriter.encode(fileMetaData().thrift())
        var out = bytes
        bytes = []  // leaves `out` the only owner, so appending the footer does not copy the file
        out.reserveCapacity(out.count + footer.count + 16)
        var crc = footer.withUnsafeBytes { Gzip.crc32($0) }.littleEndian
        withUnsafeBytes(of: &crc) { out.append(contentsOf: $0) }
        out.append(contentsOf: Self.footerChecksumMagic)
        out.append(contentsOf: footer)
        var length = UInt32(footer.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array("PAR1".utf8))
        return out
    }

    func fileMetaData() -> FileMetaData {
        var elements = [
            SchemaElement(
                type: nil, repetition: nil, name: "schema", numChildren: Int32(schema.fields.count),
                convertedType: nil, logicalType: nil
            )
        ]
        elements += schema.fields.map(SchemaMapping.element)
        return FileMetaData(
            schema: elements, numRows: rowCount, rowGroups: rowGroups,
            keyValueMetadata: keyValueMetadata.map { .init(key: $0.key, value: $0.value) },
            createdBy: Self.createdBy, typeDefinedOrders: schema.fields.count
        )
    }
}
