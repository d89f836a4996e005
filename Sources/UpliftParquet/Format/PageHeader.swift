/// Enumerations from parquet.thrift, as the i32 values the wire carries.
package enum Wire {
    // Type
    static let boolean: Int32 = 0, int32: Int32 = 1, int64: Int32 = 2, double: Int32 = 5, byteArray: Int32 = 6,
        fixedLenByteArray: Int32 = 7
    // FieldRepetitionType
    static let required: Int32 = 0, optional: Int32 = 1
    // ConvertedType
    static let utf8: Int32 = 0, timestampMicros: Int32 = 10
    // Encoding
    static let plain: Int32 = 0, plainDictionary: Int32 = 2, rle: Int32 = 3, deltaBinaryPacked: Int32 = 5,
        rleDictionary: Int32 = 8
    // CompressionCodec
    static let uncompressed: Int32 = 0, gzip: Int32 = 2
    // PageType
    static let dataPage: Int32 = 0, dictionaryPage: Int32 = 2
}

/// A page header: DATA_PAGE (v1) or DICTIONARY_PAGE.
package struct PageHeader: Sendable, Hashable {
    package var type: Int32
    package var uncompressedSize: Int32
    package var compressedSize: Int32
    package var crc: Int32?
    /// Values in the page (rows, nulls included, for data pages; entries for dictionary pages).
    package var numValues: Int32
    package var encoding: Int32
    /// Definition-level encoding for data pages (always RLE for us).
    package var definitionEncoding: Int32?

    package init(
        type: Int32, uncompressedSize: Int32, compressedSize: Int32, crc: Int32?, numValues: Int32, encoding: Int32,
        definitionEncoding: Int32?
    ) {
        self.type = type
        self.uncompressedSize = uncompressedSize
        self.compressedSize = compressedSize
        self.crc = crc
        self.numValues = numValues
        self.encoding = encoding
        self.definitionEncoding = definitionEncoding
    }

    package func thrift() -> ThriftStruct {
        var s = ThriftStruct()
        s.add(1, .i32(type))
        s.add(2, .i32(uncompressedSize))
        s.add(3, .i32(compressedSize))
        s.add(4, crc.map { .i32($0) })
        var body = ThriftStruct()
        body.add(1, .i32(numValues))
        body.add(2, .i32(encoding))
        if type == Wire.dataPage {
            body.add(3, .i32(definitionEncoding ?? Wire.rle))
            body.add(4, .i32(Wire.rle))  // repetition levels: none for a flat schema, but the field is required
            s.add(5, .structure(body))
        } else {
            s.add(7, .structure(body))
        }
        return s
    }

    package init(thrift s: ThriftStruct) throws(ParquetError) {
        type = try s.requiredI32(1, "PageHeader.type")
        uncompressedSize = try s.requiredI32(2, "PageHeader.uncompressed_page_size")
        compressedSize = try s.requiredI32(3, "PageHeader.compressed_page_size")
        crc = try s.i32(4, "PageHeader.crc")
        guard uncompressedSize >= 0, compressedSize >= 0 else { throw .corrupt("negative page size") }
        // Uplift writes exactly one of fields 5 and 7; anything else is damage.
        let extra = s.fields.contains { ![1, 2, 3, 4, 5, 7].contains($0.id) }
        switch type {
        case Wire.dataPage:
            guard !extra, s[7] == nil else { throw .corrupt("data page header has unexpected fields") }
            let body = try s.requiredStructure(5, "PageHeader.data_page_header")
            numValues = try body.requiredI32(1, "DataPageHeader.num_values")
            encoding = try body.requiredI32(2, "DataPageHeader.encoding")
            definitionEncoding = try body.requiredI32(3, "DataPageHeader.definition_level_encoding")
            let repetition = try body.requiredI32(4, "DataPageHeader.repetition_level_encoding")
            guard definitionEncoding == Wire.rle, repetition == Wire.rle || repetition == 4 else {
                throw .corrupt("unexpected level encoding")
            }
        case Wire.dictionaryPage:
            guard !extra, s[5] == nil else { throw .corrupt("dictionary page header has unexpected fields") }
            let body = try s.requiredStructure(7, "PageHeader.dictionary_page_header")
            numValues = try body.requiredI32(1, "DictionaryPageHeader.num_values")
            encoding = try body.requiredI32(2, "DictionaryPageHeader.encoding")
            definitionEncoding = nil
        default:
            throw ParquetError(
                .unsupported, "page type \(type) is not supported (only DATA_PAGE v1 and DICTIONARY_PAGE)")
        }
        guard numValues >= 0 else { throw .corrupt("negative page value count") }
    }
}
