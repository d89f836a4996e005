/// Encodes one column chunk: optional dictionary page, then data pages of about `pageSize` bytes.
struct ColumnChunkWriter {
    let field: ParquetField
    let options: ParquetWriter.Options
    private var uncompressedTotal = 0
    private var compressedTotal = 0
    private var page: [UInt8] = []

    init(field: ParquetField, options: ParquetWriter.Options) {
        self.field = field
        self.options = options
    }

    /// Appends the chunk to `out`. A chunk that GZIP shrinks by less than 1/32 (random ids, DELTA-packed
    /// times) is stored uncompressed instead: compressing it saved next to nothing, and every reader would
    /// inflate it on every read (the times were a fifth of what a cold funnel inflated).
    mutating func write(_ column: ColumnData, into out: inout [UInt8]) throws(ParquetError) -> ColumnChunkMeta {
        let start = out.count
        let chunk = try encode(column, compression: options.compression, into: &out)
        guard options.compression == .gzip, chunk.totalCompressedSize * 32 > chunk.totalUncompressedSize * 31 else {
            return chunk
        }
        out.removeSubrange(start...)
        uncompressedTotal = 0
        compressedTotal = 0
        return try encode(column, compression: .none, into: &out)
    }

    private mutating func encode(
        _ column: ColumnData, compression: ParquetWriter.Compression, into out: inout [UInt8]
    ) throws(ParquetError) -> ColumnChunkMeta {
        try validate(column)
        let rows = column.count
        let validity = field.optional ? column.validity : nil
        let wantsDictionary = field.dictionary && field.type != .fixed16  // random ids never repeat
        let dictionary = wantsDictionary ? buildDictionary(column.values, validity: validity) : nil
        let statistics = ColumnStatistics.compute(
            column.values, validity: validity, dictionaryRows: dictionary?.entryRows, maxSize: options.maxStatisticsSize
        )
        page.reserveCapacity(min(options.pageSize, 1 << 22) + 1024)

        var dictionaryOffset: Int64?
        if let dictionary {
            dictionaryOffset = Int64(out.count)
            page.removeAll(keepingCapacity: true)
            let entries = Self.gather(column.values, rows: dictionary.entryRows)
            PlainEncoder.encode(entries, rows: 0..<entries.count, validity: nil, into: &page)
            try flushPage(
                type: Wire.dictionaryPage, numValues: entries.count, encoding: Wire.plain, compression: compression,
                into: &out)
        }

        // A dictionary wins when it was asked for and did not fall back; otherwise the field's own encoding.
        let valueEncoding =
            dictionary != nil
            ? Wire.rleDictionary
            : field.encoding == .deltaBinaryPacked ? Wire.deltaBinaryPacked : Wire.plain
        let dataOffset = Int64(out.count)
        let bitWidth = dictionary.map { RleHybrid.bitWidth(forCount: $0.entryRows.count) } ?? 0
        var nextIndex = 0  // position in dictionary.indices, which has one entry per non-null row
        var row = 0
        while row < rows {
            let end = pageEnd(from: row, values: column.values, validity: validity, bitWidth: bitWidth)
            page.removeAll(keepingCapacity: true)
            if field.optional { Self.appendLevels(validity, rows: row..<end, into: &page) }
            if let dictionary {
                let nonNull = validity.map { v in (row..<end).lazy.filter { v[$0] }.count } ?? (end - row)
                page.append(UInt8(bitWidth))
                dictionary.indices.withUnsafeBufferPointer { indices in
                    RleHybrid.encode(
                        UnsafeBufferPointer(rebasing: indices[nextIndex..<nextIndex + nonNull]), bitWidth: bitWidth,
                        into: &page)
                }
                nextIndex += nonNull
            } else if valueEncoding == Wire.deltaBinaryPacked {
                DeltaBinaryPacked.encode(column.values, rows: row..<end, validity: validity, into: &page)
            } else if field.type == .fixed16, case .byteArrays(let v) = column.values {
                PlainEncoder.encodeFixedLength(v, rows: row..<end, validity: validity, into: &page)
            } else {
                PlainEncoder.encode(column.values, rows: row..<end, validity: validity, into: &page)
            }
            try flushPage(
                type: Wire.dataPage, numValues: end - row, encoding: valueEncoding, compression: compression, into: &out
            )
            row = end
        }

        // Every encoding the chunk uses: the dictionary page is PLAIN, definition levels are RLE.
        var encodings = dictionary != nil || valueEncoding == Wire.plain ? [Wire.plain] : []
        if field.optional { encodings.append(Wire.rle) }
        if valueEncoding != Wire.plain { encodings.append(valueEncoding) }
        return ColumnChunkMeta(
            type: SchemaMapping.physical(field.type), encodings: encodings, path: [field.name],
            codec: compression == .gzip ? Wire.gzip : Wire.uncompressed, numValues: Int64(rows),
            totalUncompressedSize: Int64(uncompressedTotal), totalCompressedSize: Int64(compressedTotal),
            dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset, statistics: statistics
        )
    }

    private func validate(_ column: ColumnData) throws(ParquetError) {
        let matches =
            switch (field.type, column.values) {
            case (.int32, .int32), (.int64, .int64), (.timestampMicros, .int64), (.double, .double),
                (.boolean, .boolean), (.string, .byteArrays), (.fixed16, .byteArrays):
                true
            default: false
            }
        guard matches else { throw ParquetError(.invalidInput, "column \(field.name) got values of the wrong type") }
        if field.type == .fixed16, case .byteArrays(let v) = column.values {
            // FIXED_LEN_BYTE_ARRAY(16): every value 16 bytes; a null row's slot may be anything (it is not written).
            for row in 0..<v.count where v.length(at: row) != 16 && !column.isNull(row) {
                throw ParquetError(.invalidInput, "column \(field.name) has a UUID value that is not 16 bytes")
            }
        }
        if let validity = column.validity {
            guard validity.count == column.count else {
                throw ParquetError(
                    .invalidInput, "column \(field.name) has \(validity.count) validity flags for \(column.count) rows")
            }
            guard field.optional || !validity.contains(false) else {
                throw ParquetError(.invalidInput, "column \(field.name) is required but has nulls; declare it optional")
            }
        }
    }

    private func buildDictionary(_ values: ColumnValues, validity: [Bool]?) -> DictionaryBuilder.Result? {
        let nonNull = validity.map { v in v.lazy.filter { $0 }.count } ?? values.count
        let maxEntries = nonNull / 2  // more distinct values than half the rows: PLAIN is smaller
        guard maxEntries > 0 else { return nil }
        switch values {
        case .int64(let v):
            return v.withUnsafeBufferPointer { buffer in
                DictionaryBuilder.build(
                    Int64Keys(values: buffer), rows: v.count, validity: validity,
                    maxEntries: maxEntries, maxBytes: options.dictionaryLimit)
            }
        case .byteArrays(let v):
            return v.offsets.withUnsafeBufferPointer { offsets in
                v.bytes.withUnsafeBytes { bytes in
                    DictionaryBuilder.build(
                        ByteArrayKeys(offsets: offsets, bytes: bytes), rows: v.count, validity: validity,
                        maxEntries: maxEntries, maxBytes: options.dictionaryLimit)
                }
            }
        default:
            return nil
        }
    }

    /// The end of the page starting at `start`: about `pageSize` bytes of values.
    private func pageEnd(from start: Int, values: ColumnValues, validity: [Bool]?, bitWidth: Int) -> Int {
        let rows = values.count
        let perPage: Int
        if bitWidth > 0 {
            perPage = options.pageSize * 8 / bitWidth
        } else if let width = field.type.fixedWidth {
            perPage = options.pageSize / width
        } else if case .byteArrays(let v) = values {
            var size = 0
            var row = start
            while row < rows && size < options.pageSize {
                if validity?[row] ?? true { size += 4 + v.length(at: row) }
                row += 1
            }
            return row
        } else {
            perPage = options.pageSize * 8  // booleans: one bit each
        }
        return start + min(rows - start, max(1, perPage))
    }

    /// Definition levels (bit width 1) with their 4-byte length prefix, as DATA_PAGE v1 wants.
    private static func appendLevels(_ validity: [Bool]?, rows: Range<Int>, into out: inout [UInt8]) {
        let lengthAt = out.count
        out.append(contentsOf: [0, 0, 0, 0])
        if let validity {
            let levels = validity[rows].map { UInt32($0 ? 1 : 0) }
            levels.withUnsafeBufferPointer { RleHybrid.encode($0, bitWidth: 1, into: &out) }
        } else {
            // No nulls: a single RLE run of 1s.
            ThriftCompactWriter.writeVarint(UInt64(rows.count) << 1, into: &out)
            out.append(1)
        }
        let length = UInt32(out.count - lengthAt - 4)
        for k in 0..<4 { out[lengthAt + k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
    }

    private static func gather(_ values: ColumnValues, rows: [Int]) -> ColumnValues {
        switch values {
        case .int32(let v): .int32(rows.map { v[$0] })
        case .int64(let v): .int64(rows.map { v[$0] })
        case .double(let v): .double(rows.map { v[$0] })
        case .boolean(let v): .boolean(rows.map { v[$0] })
        case .byteArrays(let v):
            .byteArrays(rows.reduce(into: ByteArrays()) { $0.append(contentsOf: v[$1]) })
        }
    }

    /// Compresses the page buffer, checksums it and appends header + body to the file.
    private mutating func flushPage(
        type: Int32, numValues: Int, encoding: Int32, compression: ParquetWriter.Compression, into out: inout [UInt8]
    ) throws(ParquetError) {
        guard page.count <= Int(Int32.max), numValues <= Int(Int32.max) else {
            throw ParquetError(.invalidInput, "column \(field.name) has a page over 2 GiB; lower the page size")
        }
        let body: [UInt8]
        switch compression {
        case .gzip:
            let level = Int32(options.compressionLevel)
            body = try page.withUnsafeBytes { raw in
                Result { () throws(ParquetError) in try Gzip.compress(raw, level: level) }
            }.get()
        case .none: body = page
        }
        let crc = body.withUnsafeBytes { Gzip.crc32($0) }
        let header = PageHeader(
            type: type, uncompressedSize: Int32(page.count), compressedSize: Int32(body.count),
            crc: Int32(bitPattern: crc), numValues: Int32(numValues), encoding: encoding,
            definitionEncoding: type == Wire.dataPage ? Wire.rle : nil
        )
        let headerBytes = ThriftCompactWriter.encode(header.thrift())
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: body)
        uncompressedTotal += headerBytes.count + page.count
        compressedTotal += headerBytes.count + body.count
    }
}
