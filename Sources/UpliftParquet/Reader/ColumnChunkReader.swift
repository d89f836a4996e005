/// Walks the pages of one column chunk: checks each page's CRC, inflates it, decodes its definition
/// levels and values. Everything read from the file is bounds-checked; damage is `.corrupt`.
struct ColumnChunkReader {
    let file: [UInt8]
    let chunk: ColumnChunkMeta
    let field: ParquetField
    let rows: Int
    /// Our files always carry page CRCs, so a missing one is damage rather than an older writer.
    let requireChecksums: Bool

    /// `.dictionaryOrValues` keeps a dictionary-encoded chunk as its dictionary and indices and decodes a PLAIN one
    /// to values, in one pass; a chunk that switches from dictionary pages to PLAIN ones midway (another
    /// writer's fallback) gives nil, and the caller reads it again as values.
    enum Mode { case values, dictionaryIndices, dictionaryOrValues }

    struct Output {
        var values: ColumnValues?
        var dictionary: ColumnValues?
        var indices: [Int32] = []
        var validity: [Bool]?
    }

    /// Decodes the chunk. In `.dictionaryIndices` mode it returns nil when a data page is not dictionary encoded.
    func read(_ mode: Mode) throws(ParquetError) -> Output? {
        var mode = mode
        var position = Int(chunk.startOffset)
        let end = position + Int(chunk.totalCompressedSize)
        var builder = ColumnBuilder(type: field.type, capacity: mode == .values ? rows : 0)
        var output = Output()
        var validity: [Bool] = []
        if field.optional { validity.reserveCapacity(rows) }
        var dictionary: ColumnValues?
        var dictionaryCount = 0
        var scratch: [UInt8] = []
        var levels: [UInt32] = []
        var indices: [UInt32] = []
        var seen = 0
        if mode == .dictionaryIndices { output.indices.reserveCapacity(rows) }

        while seen < rows {
            guard position < end else { throw .corrupt("column \(field.name) ends before all its rows") }
            let (thrift, bodyStart) = try ThriftCompactReader.decodeStruct(file, from: position, to: end)
            let header = try PageHeader(thrift: thrift)
            let bodyEnd = bodyStart + Int(header.compressedSize)
            guard bodyEnd <= end else { throw .corrupt("page of column \(field.name) runs past its column chunk") }
            position = bodyEnd
            try file.withUnsafeBytes { (fileBytes) -> Result<Void, ParquetError> in
                Result { () throws(ParquetError) in
                    let compressed = UnsafeRawBufferPointer(rebasing: fileBytes[bodyStart..<bodyEnd])
                    if let crc = header.crc {
                        guard UInt32(bitPattern: crc) == Gzip.crc32(compressed) else {
                            throw .corrupt("page checksum mismatch in column \(field.name)")
                        }
                    } else if requireChecksums {
                        throw .corrupt("page of column \(field.name) has no checksum")
                    }
                    switch chunk.codec {
                    case Wire.gzip:
                        try Gzip.decompress(
                            compressed, expectedSize: Int(header.uncompressedSize), into: &scratch,
                            checkStream: header.crc == nil)
                    case Wire.uncompressed:
                        guard compressed.count == Int(header.uncompressedSize) else {
                            throw .corrupt("uncompressed page of column \(field.name) has the wrong size")
                        }
                        scratch.removeAll(keepingCapacity: true)
                        scratch.append(contentsOf: compressed)
                    default:
                        throw ParquetError(
                            .unsupported, "compression codec \(chunk.codec) is not supported (only GZIP and none)")
                    }
                }
            }.get()

            if header.type == Wire.dictionaryPage {
                guard dictionary == nil, seen == 0 else {
                    throw .corrupt("unexpected second dictionary page in column \(field.name)")
                }
                guard header.encoding == Wire.plain || header.encoding == Wire.plainDictionary else {
                    throw ParquetError(.unsupported, "dictionary encoding \(header.encoding) is not supported")
                }
                var entries = ColumnBuilder(type: field.type, capacity: Int(header.numValues))
                try scratch.withUnsafeBytes { raw in
                    Result { () throws(ParquetError) in
                        try entries.appendPlain(
                            raw, rows: Int(header.numValues), levels: nil, nonNull: Int(header.numValues))
                    }
                }.get()
                dictionary = entries.values
                dictionaryCount = Int(header.numValues)
                continue
            }

            let pageRows = Int(header.numValues)
            guard pageRows <= rows - seen else { throw .corrupt("column \(field.name) has more values than rows") }
            let dictionaryPage = header.encoding == Wire.rleDictionary || header.encoding == Wire.plainDictionary
            let deltaPage = header.encoding == Wire.deltaBinaryPacked && field.type.supportsDelta
            guard dictionaryPage || deltaPage || header.encoding == Wire.plain else {
                throw ParquetError(.unsupported, "data page encoding \(header.encoding) is not supported")
            }
            if mode == .dictionaryOrValues {
                // The first data page decides; a later one that differs is the mixed case.
                if seen == 0 {
                    mode = dictionaryPage ? .dictionaryIndices : .values
                    if dictionaryPage {
                        output.indices.reserveCapacity(rows)
                    } else {
                        builder = ColumnBuilder(type: field.type, capacity: rows)
                    }
                }
            }
            if mode == .dictionaryIndices && !dictionaryPage { return nil }
            try scratch.withUnsafeBytes { page in
                Result { () throws(ParquetError) in
                    var offset = 0
                    var nonNull = pageRows
                    if field.optional {
                        guard page.count >= 4 else {
                            throw .corrupt("definition levels of column \(field.name) are truncated")
                        }
                        let length = Int(page.loadUnaligned(as: UInt32.self).littleEndian)
                        guard length <= page.count - 4 else {
                            throw .corrupt("definition levels of column \(field.name) run past the page")
                        }
                        levels.removeAll(keepingCapacity: true)
                        levels.append(contentsOf: repeatElement(0, count: pageRows))
                        let used = try levels.withUnsafeMutableBufferPointer { out in
                            Result { () throws(ParquetError) in
                                try RleHybrid.decode(
                                    UnsafeRawBufferPointer(rebasing: page[4..<4 + length]), bitWidth: 1, into: out)
                            }
                        }.get()
                        guard used == length else {
                            throw .corrupt("definition levels of column \(field.name) have trailing bytes")
                        }
                        offset = 4 + length
                        nonNull = 0
                        for level in levels {
                            nonNull &+= Int(level)
                            validity.append(level != 0)
                        }
                    }
                    let body = UnsafeRawBufferPointer(rebasing: page[offset...])
                    try levels.withUnsafeBufferPointer { levelBuffer in
                        Result { () throws(ParquetError) in
                            let pageLevels = field.optional ? levelBuffer : nil
                            if deltaPage {
                                try builder.appendDelta(body, rows: pageRows, levels: pageLevels, nonNull: nonNull)
                                return
                            }
                            if !dictionaryPage {
                                try builder.appendPlain(body, rows: pageRows, levels: pageLevels, nonNull: nonNull)
                                return
                            }
                            guard let dictionary else {
                                throw .corrupt("dictionary-encoded page of column \(field.name) has no dictionary")
                            }
                            try decodeIndices(body, count: nonNull, dictionaryCount: dictionaryCount, into: &indices)
                            try indices.withUnsafeBufferPointer { indexBuffer in
                                Result { () throws(ParquetError) in
                                    if mode == .values {
                                        try builder.appendGathered(
                                            dictionary, indices: indexBuffer, rows: pageRows, levels: pageLevels)
                                    } else {
                                        var k = 0
                                        for row in 0..<pageRows {
                                            if let pageLevels, pageLevels[row] == 0 {
                                                output.indices.append(0)
                                            } else {
                                                output.indices.append(Int32(indexBuffer[k]))
                                                k += 1
                                            }
                                        }
                                    }
                                }
                            }.get()
                        }
                    }.get()
                }
            }.get()
            seen += pageRows
        }
        guard position == end else { throw .corrupt("column \(field.name) has bytes after its last page") }
        if field.optional && validity.contains(false) { output.validity = validity }
        // A chunk without rows never chose: its (empty) values.
        if mode == .values || mode == .dictionaryOrValues {
            output.values = builder.values
        } else {
            guard let dictionary else { return nil }
            output.dictionary = dictionary
        }
        return output
    }

    /// Dictionary indices: one bit-width byte, then the RLE / bit-packed hybrid; every index is bounds-checked.
    private func decodeIndices(
        _ body: UnsafeRawBufferPointer, count: Int, dictionaryCount: Int, into indices: inout [UInt32]
    ) throws(ParquetError) {
        indices.removeAll(keepingCapacity: true)
        guard count > 0 else {
            guard body.count <= 1 else { throw .corrupt("empty dictionary page of column \(field.name) holds data") }
            return
        }
        guard let width = body.first else { throw .corrupt("dictionary page of column \(field.name) has no bit width") }
        indices.append(contentsOf: repeatElement(0, count: count))
        let used = try indices.withUnsafeMutableBufferPointer { out in
            Result { () throws(ParquetError) in
                try RleHybrid.decode(UnsafeRawBufferPointer(rebasing: body[1...]), bitWidth: Int(width), into: out)
            }
        }.get()
        guard used == body.count - 1 else {
            throw .corrupt("dictionary indices of column \(field.name) have trailing bytes")
        }
        let limit = UInt32(truncatingIfNeeded: dictionaryCount)
        for index in indices where index >= limit {
            throw .corrupt("dictionary index out of range in column \(field.name)")
        }
    }
}
