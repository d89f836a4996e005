/// A Parquet file held in memory: the footer is parsed and validated on open; columns are decoded on
/// demand, one column chunk at a time, so a query pays only for the columns it reads.
package struct ParquetFile: Sendable {
    package let schema: ParquetSchema
    package let rowCount: Int
    package let rowGroups: [RowGroupInfo]
    package let keyValueMetadata: [(key: String, value: String?)]
    package let createdBy: String?
    let bytes: [UInt8]
    let metadata: FileMetaData
    let writtenByUplift: Bool
    /// The columns whose chunks `bytes` holds (nil: every column; see `init(path:columns:)`).
    let loaded: Set<Int>?

    package init(bytes: [UInt8]) throws(ParquetError) {
        try self.init(bytes: bytes, loaded: nil)
    }

    init(bytes: [UInt8], loaded: Set<Int>?) throws(ParquetError) {
        guard bytes.count >= 12, Array(bytes[0..<4]) == Self.magic else {
            throw .corrupt("not a Parquet file (missing PAR1 magic)")
        }
        let footer = try ParquetFooter(tail: bytes, fileSize: bytes.count)
        self.rowGroups = footer.rowGroups
        self.schema = footer.schema
        self.rowCount = footer.rowCount
        self.keyValueMetadata = footer.keyValueMetadata
        self.createdBy = footer.createdBy
        self.bytes = bytes
        self.metadata = footer.metadata
        self.writtenByUplift = footer.writtenByUplift
        self.loaded = loaded
    }

    static let magic = Array("PAR1".utf8)

    static func validate(
        _ metadata: FileMetaData, schema: ParquetSchema, dataEnd: Int
    ) throws(ParquetError) -> [RowGroupInfo] {
        var total: Int64 = 0
        var groups: [RowGroupInfo] = []
        for group in metadata.rowGroups {
            guard group.numRows >= 0, group.numRows <= Int64(Int32.max), group.columns.count == schema.fields.count
            else {
                throw .corrupt("row group has a bad row count or column count")
            }
            total += group.numRows
            var columns: [ColumnChunkInfo] = []
            for (chunk, field) in zip(group.columns, schema.fields) {
                guard chunk.type == SchemaMapping.physical(field.type), chunk.path == [field.name] else {
                    throw .corrupt("column chunk does not match the schema column \(field.name)")
                }
                guard chunk.numValues == group.numRows else {
                    throw .corrupt("column \(field.name) value count differs from the row count")
                }
                let start = chunk.startOffset
                guard start >= 4, chunk.dataPageOffset >= start, chunk.totalCompressedSize >= 0,
                    chunk.totalCompressedSize <= Int64(dataEnd) - start,
                    chunk.dataPageOffset < start + chunk.totalCompressedSize || group.numRows == 0
                else { throw .corrupt("column \(field.name) lies outside the file") }
                columns.append(
                    ColumnChunkInfo(
                        offset: Int(start), compressedSize: Int(chunk.totalCompressedSize),
                        uncompressedSize: Int(chunk.totalUncompressedSize),
                        dictionaryEncoded: chunk.dictionaryPageOffset != nil,
                        statistics: try ParquetStatistics(chunk.statistics, type: field.type)
                    ))
            }
            groups.append(RowGroupInfo(rowCount: Int(group.numRows), columns: columns))
        }
        guard total == metadata.numRows else { throw .corrupt("row groups do not add up to the file's row count") }
        return groups
    }

    /// The key-value metadata entry for `key`, if any.
    package func metadataValue(for key: String) -> String? {
        keyValueMetadata.first { $0.key == key }?.value ?? nil
    }

    package func columnIndex(_ name: String) throws(ParquetError) -> Int {
        guard let index = schema.index(of: name) else {
            throw ParquetError(.notFound, "no column named \(name) in this file")
        }
        return index
    }

    private func chunkReader(column: Int, rowGroup: Int) throws(ParquetError) -> ColumnChunkReader {
        guard schema.fields.indices.contains(column) else {
            throw ParquetError(.notFound, "column index \(column) is out of range")
        }
        guard metadata.rowGroups.indices.contains(rowGroup) else {
            throw ParquetError(.notFound, "row group \(rowGroup) is out of range")
        }
        guard loaded?.contains(column) ?? true else {
            throw ParquetError(.notFound, "column \(schema.fields[column].name) was not read from the file")
        }
        let group = metadata.rowGroups[rowGroup]
        return ColumnChunkReader(
            file: bytes, chunk: group.columns[column], field: schema.fields[column],
            rows: Int(group.numRows), requireChecksums: writtenByUplift
        )
    }

    /// Decodes one column chunk into one slot per row.
    package func read(column: Int, rowGroup: Int) throws(ParquetError) -> ColumnData {
        let output = try damageIsCorrupt { () throws(ParquetError) in
            try chunkReader(column: column, rowGroup: rowGroup).read(.values)
        }
        guard let output, let values = output.values else { throw .corrupt("column chunk decoded to nothing") }
        return ColumnData(values: values, validity: output.validity)
    }

    package func read(column name: String, rowGroup: Int) throws(ParquetError) -> ColumnData {
        try read(column: try columnIndex(name), rowGroup: rowGroup)
    }

    /// The dictionary and per-row indices of a dictionary-encoded chunk, without materialising values;
    /// nil when the chunk was written PLAIN (e.g. after a dictionary fallback).
    package func readDictionary(column: Int, rowGroup: Int) throws(ParquetError) -> DictionaryColumn? {
        guard
            let output = try damageIsCorrupt({ () throws(ParquetError) in
                try chunkReader(column: column, rowGroup: rowGroup).read(.dictionaryIndices)
            }),
            let dictionary = output.dictionary
        else { return nil }
        return DictionaryColumn(dictionary: dictionary, indices: output.indices, validity: output.validity)
    }

    package func readDictionary(column name: String, rowGroup: Int) throws(ParquetError) -> DictionaryColumn? {
        try readDictionary(column: try columnIndex(name), rowGroup: rowGroup)
    }

    /// A byte-array column chunk as stored, read in one pass: dictionary-encoded chunks keep their dictionary and
    /// indices (`readDictionary`), PLAIN ones give their values (`read`). The rare chunk that mixes both (a
    /// writer that fell back midway) is read a second time as values.
    package func readByteArrays(
        column: Int, rowGroup: Int
    ) throws(ParquetError) -> (
        chunk: ByteArrayChunk, validity: [Bool]?
    ) {
        let reader = try chunkReader(column: column, rowGroup: rowGroup)
        guard reader.field.type == .string else {
            throw ParquetError(.invalidInput, "column \(reader.field.name) does not hold byte arrays")
        }
        let output = try damageIsCorrupt { () throws(ParquetError) in try reader.read(.dictionaryOrValues) }
        if let output {
            if let dictionary = output.dictionary, case .byteArrays(let entries) = dictionary {
                return (.dictionary(entries, indices: output.indices), output.validity)
            }
            if case .byteArrays(let values) = output.values { return (.plain(values), output.validity) }
        }
        let data = try read(column: column, rowGroup: rowGroup)
        guard case .byteArrays(let values) = data.values else { throw .corrupt("column chunk decoded to nothing") }
        return (.plain(values), data.validity)
    }

    /// We only write features we support, so in our own files an "unsupported" page is a damaged one.
    private func damageIsCorrupt<T>(_ body: () throws(ParquetError) -> T) throws(ParquetError) -> T {
        do {
            return try body()
        } catch  where writtenByUplift && error.code == .unsupported {
            throw .corrupt(error.message)
        }
    }

    /// Decodes every page of every column chunk, checking checksums, sizes and counts.
    package func verify() throws(ParquetError) {
        for rowGroup in rowGroups.indices {
            for column in schema.fields.indices {
                _ = try read(column: column, rowGroup: rowGroup)
            }
        }
    }
}
