/// A Parquet file's footer, parsed and validated from the end of the file alone: what listing,
/// statistics and crash recovery need without reading any data page.
package struct ParquetFooter: Sendable {
    package let schema: ParquetSchema
    package let rowCount: Int
    package let rowGroups: [RowGroupInfo]
    package let keyValueMetadata: [(key: String, value: String?)]
    package let createdBy: String?
    let metadata: FileMetaData
    let writtenByUplift: Bool
    /// The size of the file, and where the bytes the footer is parsed from start (the footer, the 8
    /// bytes before it, and its length and magic after it).
    let fileSize: Int
    let tailStart: Int

    /// Parses the footer from `tail`, the last `tail.count` bytes of a file of `fileSize` bytes
    /// (the whole file, or at least the footer, its length, the magic and our footer checksum).
    init(tail bytes: [UInt8], fileSize: Int) throws(ParquetError) {
        let base = fileSize - bytes.count  // file offset of bytes[0]
        guard fileSize >= 12, bytes.count >= 8, Array(bytes[(bytes.count - 4)...]) == ParquetFile.magic else {
            throw .corrupt("not a Parquet file (missing PAR1 magic)")
        }
        let lengthAt = bytes.count - 8
        let footerLength = Int(
            bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: lengthAt, as: UInt32.self) }.littleEndian)
        guard footerLength <= base + lengthAt - 4 else { throw .corrupt("footer length exceeds the file") }
        guard footerLength <= lengthAt else { throw .corrupt("footer is not within the bytes read") }
        let footerStart = lengthAt - footerLength

        // Our footer checksum sits just before the footer. Its presence is signalled twice (magic and
        // created_by) so that one damaged byte cannot switch the check off. It is checked before the
        // footer is parsed: a damaged footer is corrupt, whatever field the damage happens to make.
        let fileFooterStart = base + footerStart
        let hasMagic =
            fileFooterStart >= 12 && footerStart >= 8
            && Array(bytes[(footerStart - 4)..<footerStart]) == ParquetWriter.footerChecksumMagic
        if hasMagic {
            let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: footerStart - 8, as: UInt32.self) }
                .littleEndian
            let actual = bytes.withUnsafeBytes {
                Gzip.crc32(UnsafeRawBufferPointer(rebasing: $0[footerStart..<lengthAt]))
            }
            guard stored == actual else { throw .corrupt("footer checksum mismatch") }
        }
        let (thrift, footerEnd) = try ThriftCompactReader.decodeStruct(bytes, from: footerStart, to: lengthAt)
        guard footerEnd == lengthAt else { throw .corrupt("footer has trailing bytes") }
        let metadata = try FileMetaData(thrift: thrift)
        if !hasMagic && metadata.createdBy?.hasPrefix("uplift ") == true {
            throw .corrupt("footer checksum is missing")
        }
        let schema = try SchemaMapping.schema(metadata.schema)
        let dataEnd = hasMagic ? fileFooterStart - 8 : fileFooterStart
        self.rowGroups = try ParquetFile.validate(metadata, schema: schema, dataEnd: dataEnd)
        self.schema = schema
        self.rowCount = Int(metadata.numRows)
        self.keyValueMetadata = metadata.keyValueMetadata.map { ($0.key, $0.value) }
        self.createdBy = metadata.createdBy
        self.metadata = metadata
        self.writtenByUplift = hasMagic
        self.fileSize = fileSize
        self.tailStart = max(0, fileFooterStart - 8)
    }

    /// The key-value metadata entry for `key`, if any.
    package func metadataValue(for key: String) -> String? {
        keyValueMetadata.first { $0.key == key }?.value ?? nil
    }
}
