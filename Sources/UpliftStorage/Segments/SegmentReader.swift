package import UpliftModel
package import UpliftParquet

/// Reads event segments back.
package enum SegmentReader {
    /// `columns`: indices of the columns to read (nil: the whole file).
    package static func open(path: String, columns: Set<Int>? = nil) throws(UpliftError) -> ParquetFile {
        try openWithFormat(path: path, columns: columns).file
    }

    /// The segment, its format and its typed property columns (which columns hold what).
    package static func openWithFormat(
        path: String, columns: Set<Int>? = nil
    ) throws(UpliftError) -> (file: ParquetFile, format: SegmentFormat, shredding: PropertyShredding) {
        let file: ParquetFile
        if let columns {
            do { file = try ParquetFile(path: path, columns: columns) } catch  where error.code == .io {
                throw UpliftError(.io, "cannot read segment \(path): \(error.message)")
            } catch {
                throw UpliftError(.corrupt, "segment \(path) is not a readable Parquet file: \(error)")
            }
        } else {
            let bytes = try DurableFile.readAll(path)
            do { file = try ParquetFile(bytes: bytes) } catch {
                throw UpliftError(.corrupt, "segment \(path) is not a readable Parquet file: \(error)")
            }
        }
        let (format, shredding) = try checkSchema(file.schema, file.metadataValue(for: SegmentWriter.formatKey), path)
        return (file, format, shredding)
    }

    /// The footer alone (no data page is read): for listing, statistics and crash recovery.
    package static func footer(path: String) throws(UpliftError) -> ParquetFooter {
        let footer: ParquetFooter
        do { footer = try ParquetFile.footer(path: path) } catch {
            throw UpliftError(.corrupt, "segment \(path) is not a readable Parquet file: \(error)")
        }
        _ = try checkSchema(footer.schema, footer.metadataValue(for: SegmentWriter.formatKey), path)
        return footer
    }

    /// The typed property columns of a segment, from its footer alone.
    package static func shredding(path: String) throws(UpliftError) -> PropertyShredding {
        let footer = try footer(path: path)
        return try checkSchema(footer.schema, footer.metadataValue(for: SegmentWriter.formatKey), path).1
    }

    /// The format the footer names (a segment without the key is format 1), checked against the schema.
    private static func checkSchema(
        _ schema: ParquetSchema, _ version: String?, _ path: String
    ) throws(UpliftError) -> (SegmentFormat, PropertyShredding) {
        guard let format = SegmentFormat(rawValue: version ?? SegmentFormat.version1.rawValue) else {
            throw UpliftError(
                .corrupt, "segment \(path) has a segment format this build does not read; upgrade Uplift to read it")
        }
        guard let shredding = format.shredding(of: schema) else {
            throw UpliftError(.corrupt, "segment \(path) does not have the event schema")
        }
        return (format, shredding)
    }

    /// Every row of the given segments, in file order, as columns.
    package static func table(paths: [String]) throws(UpliftError) -> EventTable {
        var table = EventTable()
        for path in paths {
            let (file, format, shredding) = try openWithFormat(path: path)
            if paths.count == 1 { table.reserveCapacity(file.rowCount) }
            for g in 0..<file.rowGroups.count {
                let columns = try wrap(path) {
                    try file.schema.fields.indices.map { try file.read(column: $0, rowGroup: g) }
                }
                do { try table.append(rowGroup: columns, format: format, shredding: shredding) } catch {
                    throw UpliftError(error.code, "segment \(path) row group \(g): \(error.message)")
                }
            }
        }
        return table
    }

    /// Fingerprints of every event id in the given segments (the dedup index of a day).
    package static func eventIDFingerprints(paths: [String]) throws(UpliftError) -> [Fingerprint] {
        var out: [Fingerprint] = []
        for path in paths {
            let (file, format, _) = try openWithFormat(path: path)
            for g in 0..<file.rowGroups.count {
                let column = try wrap(path) { try file.read(column: EventColumn.eventID.index, rowGroup: g) }
                let ids: ByteArrays
                switch (format, column.values) {
                case (.version1, .byteArrays(let texts)):
                    ids = texts
                case (.version2, _), (.version3, _):
                    let uuids = try wrap(path) { try file.read(column: EventColumn.eventUUID.index, rowGroup: g) }
                    do { ids = try EventIDColumns.texts(text: column, uuid: uuids) } catch {
                        throw UpliftError(error.code, "segment \(path) row group \(g): \(error.message)")
                    }
                default:
                    throw UpliftError(.corrupt, "segment \(path): event_id is not a string column")
                }
                out.reserveCapacity(out.count + ids.count)
                ids.bytes.withUnsafeBytes { raw in
                    for i in 0..<ids.count {
                        let start = Int(ids.offsets[i])
                        let end = Int(ids.offsets[i + 1])
                        out.append(Fingerprint(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                    }
                }
            }
        }
        return out
    }

    /// The compaction that wrote a compacted segment, from its footer.
    package static func compactionRecord(path: String) throws(UpliftError) -> CompactionRecord? {
        let file = try footer(path: path)
        func names(_ key: String) -> [String]? {
            file.metadataValue(for: key).map { $0.split(separator: ",").map(String.init) }
        }
        guard let replaces = names(SegmentWriter.replacesKey), let outputs = names(SegmentWriter.outputsKey) else {
            return nil
        }
        return CompactionRecord(replaces: replaces, outputs: outputs)
    }

    /// How many rows of a segment have one of `ids` as their `distinct_id`, `user_id` or `anonymous_id`; reads
    /// only those three columns (a null reads as empty, which no id is).
    package static func rowsNaming(_ ids: Set<String>, path: String) throws(UpliftError) -> Int {
        guard !ids.isEmpty else { return 0 }
        let wanted = Set(ids.map { Array($0.utf8) })
        let lengths = Set(wanted.map(\.count))
        let indices = [EventColumn.distinctID, .userID, .anonymousID].map(\.index)
        let file = try open(path: path, columns: Set(indices))
        var count = 0
        for g in 0..<file.rowGroups.count {
            let columns = try wrap(path) { try indices.map { try file.read(column: $0, rowGroup: g) } }
            let values = columns.compactMap { column -> ByteArrays? in
                if case .byteArrays(let v) = column.values { v } else { nil }
            }
            guard values.count == indices.count, let rows = values.first?.count, values.allSatisfy({ $0.count == rows })
            else { throw UpliftError(.corrupt, "segment \(path) row group \(g): the id columns are not text") }
            for row in 0..<rows {
                let named = values.contains { v in
                    let value = v[row]
                    return lengths.contains(value.count) && wanted.contains(Array(value))
                }
                if named { count += 1 }
            }
        }
        return count
    }

    private static func wrap<T>(_ path: String, _ body: () throws -> T) throws(UpliftError) -> T {
        do { return try body() } catch let error as UpliftError { throw error } catch {
            throw UpliftError(.corrupt, "segment \(path) cannot be read: \(error)")
        }
    }
}
