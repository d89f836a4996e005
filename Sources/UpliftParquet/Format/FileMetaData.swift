/// The footer, as parquet.thrift defines it (only the fields Uplift writes or needs to read).
package struct FileMetaData: Sendable, Hashable {
    package var version: Int32 = 1
    package var schema: [SchemaElement]
    package var numRows: Int64
    package var rowGroups: [RowGroupMeta]
    package var keyValueMetadata: [KeyValue]
    package var createdBy: String?
    /// Number of TypeDefinedOrder column orders (one per leaf when written by us).
    package var typeDefinedOrders: Int

    package struct KeyValue: Sendable, Hashable {
        package var key: String
        package var value: String?
    }

    package func thrift() -> ThriftStruct {
        var s = ThriftStruct()
        s.add(1, .i32(version))
        s.add(2, .list(.structure, schema.map { .structure($0.thrift()) }))
        s.add(3, .i64(numRows))
        s.add(4, .list(.structure, rowGroups.map { .structure($0.thrift()) }))
        if !keyValueMetadata.isEmpty {
            s.add(
                5,
                .list(
                    .structure,
                    keyValueMetadata.map { kv in
                        var t = ThriftStruct()
                        t.add(1, .string(kv.key))
                        t.add(2, kv.value.map { .string($0) })
                        return .structure(t)
                    }))
        }
        s.add(6, createdBy.map { .string($0) })
        // ColumnOrder is a union; field 1 = TYPE_ORDER (an empty TypeDefinedOrder struct).
        let order = ThriftValue.structure(ThriftStruct([(1, .structure(ThriftStruct()))]))
        s.add(7, .list(.structure, Array(repeating: order, count: typeDefinedOrders)))
        return s
    }

    package init(
        schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroupMeta],
        keyValueMetadata: [KeyValue], createdBy: String?, typeDefinedOrders: Int
    ) {
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.typeDefinedOrders = typeDefinedOrders
    }

    package init(thrift s: ThriftStruct) throws(ParquetError) {
        version = try s.requiredI32(1, "FileMetaData.version")
        schema = try (s.structList(2, "FileMetaData.schema") ?? []).map { t throws(ParquetError) in
            try SchemaElement(thrift: t)
        }
        numRows = try s.requiredI64(3, "FileMetaData.num_rows")
        guard let groups = try s.structList(4, "FileMetaData.row_groups") else {
            throw .corrupt("FileMetaData.row_groups is missing")
        }
        rowGroups = try groups.map { t throws(ParquetError) in try RowGroupMeta(thrift: t) }
        keyValueMetadata = try (s.structList(5, "FileMetaData.key_value_metadata") ?? []).map {
            t throws(ParquetError) in
            guard let key = try t.string(1, "KeyValue.key") else { throw .corrupt("KeyValue.key is missing") }
            return KeyValue(key: key, value: try t.string(2, "KeyValue.value"))
        }
        createdBy = try s.string(6, "FileMetaData.created_by")
        typeDefinedOrders = try s.structList(7, "FileMetaData.column_orders")?.count ?? 0
    }
}

/// One node of the schema tree; Uplift writes a root plus leaves.
package struct SchemaElement: Sendable, Hashable {
    package var type: Int32?
    package var repetition: Int32?
    package var name: String
    package var numChildren: Int32?
    package var convertedType: Int32?
    package var logicalType: ThriftStruct?
    /// The byte width of a FIXED_LEN_BYTE_ARRAY column.
    package var typeLength: Int32?

    package init(
        type: Int32?, repetition: Int32?, name: String, numChildren: Int32?, convertedType: Int32?,
        logicalType: ThriftStruct?, typeLength: Int32? = nil
    ) {
        self.type = type
        self.typeLength = typeLength
        self.repetition = repetition
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.logicalType = logicalType
    }

    package func thrift() -> ThriftStruct {
        var s = ThriftStruct()
        s.add(1, type.map { .i32($0) })
        s.add(2, typeLength.map { .i32($0) })
        s.add(3, repetition.map { .i32($0) })
        s.add(4, .string(name))
        s.add(5, numChildren.map { .i32($0) })
        s.add(6, convertedType.map { .i32($0) })
        s.add(10, logicalType.map { .structure($0) })
        return s
    }

    package init(thrift s: ThriftStruct) throws(ParquetError) {
        type = try s.i32(1, "SchemaElement.type")
        typeLength = try s.i32(2, "SchemaElement.type_length")
        repetition = try s.i32(3, "SchemaElement.repetition_type")
        guard let name = try s.string(4, "SchemaElement.name") else { throw .corrupt("SchemaElement.name is missing") }
        self.name = name
        numChildren = try s.i32(5, "SchemaElement.num_children")
        convertedType = try s.i32(6, "SchemaElement.converted_type")
        logicalType = try s.structure(10, "SchemaElement.logicalType")
    }
}

package struct RowGroupMeta: Sendable, Hashable {
    package var columns: [ColumnChunkMeta]
    package var totalByteSize: Int64
    package var numRows: Int64
    package var fileOffset: Int64?
    package var totalCompressedSize: Int64?
    package var ordinal: Int16?

    package init(
        columns: [ColumnChunkMeta], totalByteSize: Int64, numRows: Int64, fileOffset: Int64?,
        totalCompressedSize: Int64?, ordinal: Int16?
    ) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    package func thrift() -> ThriftStruct {
        var s = ThriftStruct()
        s.add(1, .list(.structure, columns.map { .structure($0.thrift()) }))
        s.add(2, .i64(totalByteSize))
        s.add(3, .i64(numRows))
        s.add(5, fileOffset.map { .i64($0) })
        s.add(6, totalCompressedSize.map { .i64($0) })
        s.add(7, ordinal.map { .i16($0) })
        return s
    }

    package init(thrift s: ThriftStruct) throws(ParquetError) {
        guard let chunks = try s.structList(1, "RowGroup.columns") else {
            throw .corrupt("RowGroup.columns is missing")
        }
        columns = try chunks.map { t throws(ParquetError) in try ColumnChunkMeta(thrift: t) }
        totalByteSize = try s.requiredI64(2, "RowGroup.total_byte_size")
        numRows = try s.requiredI64(3, "RowGroup.num_rows")
        fileOffset = try s.i64(5, "RowGroup.file_offset")
        totalCompressedSize = try s.i64(6, "RowGroup.total_compressed_size")
        if case .i16(let v)? = s[7] { ordinal = v } else { ordinal = nil }
    }
}
