package import UpliftModel
package import UpliftParquet

/// Turns events into durable Parquet segments.
package enum SegmentWriter {
    /// Footer keys of a compacted segment: the segments it replaces and the outputs of its
    /// compaction (comma-separated file names).
    package static let replacesKey = "uplift.replaces"
    package static let outputsKey = "uplift.outputs"
    package static let formatKey = "uplift.format"
    package static let sortKey = "uplift.sort"

    /// Encodes one segment of the table's `rows`, in that order, with the keys of their properties
    /// and context in the footer (`SegmentKeys`) and the members of `shredding`'s properties in typed columns.
    package static func encode(
        _ table: EventTable, rows: ArraySlice<Int32>, configuration: StoreConfiguration, compressionLevel: Int32,
        compaction: CompactionRecord? = nil, shredding: PropertyShredding = PropertyShredding()
    ) throws(UpliftError) -> [UInt8] {
        try encode(
            rowCount: rows.count, configuration: configuration, compressionLevel: compressionLevel,
            compaction: compaction, keys: SegmentKeys(table, rows: rows), shredding: shredding
        ) {
            range throws(UpliftError) in
            try table.rowGroup(
                rows[(rows.startIndex + range.lowerBound)..<(rows.startIndex + range.upperBound)], shredding: shredding)
        }
    }

    /// The most bytes of distinct values a column chunk keeps as a dictionary. A day's row group of
    /// distinct ids holds tens of thousands of them (about 1 MB): above Parquet writers' usual 1 MiB,
    /// the chunk would fall back to PLAIN, which stores each row's id again (several times the
    /// bytes to store and to inflate on every cold read) and makes readers look up every row.
    static let dictionaryLimit = 8 << 20

    /// Encodes `rowCount` rows, asking `rowGroup` for the columns (`EventColumn.all`, the companions, then
    /// one per property of `shredding`) of each row group's range of rows. `keys` are the rows' property and
    /// context keys, listed in the footer.
    package static func encode(
        rowCount: Int, configuration: StoreConfiguration, compressionLevel: Int32, compaction: CompactionRecord?,
        keys: SegmentKeys? = nil, shredding: PropertyShredding = PropertyShredding(),
        rowGroup: (Range<Int>) throws(UpliftError) -> [ColumnData]
    ) throws(UpliftError) -> [UInt8] {
        var metadata = [(formatKey, EventSchema.formatVersion), (sortKey, configuration.sortOrder.rawValue)]
        if let compaction {
            metadata.append((replacesKey, compaction.replaces.joined(separator: ",")))
            metadata.append((outputsKey, compaction.outputs.joined(separator: ",")))
        }
        if let keys { metadata += keys.metadata.map { ($0.key, $0.value) } }
        var writer: ParquetWriter
        do {
            writer = try ParquetWriter(
                schema: ParquetSchema(fields: EventSchema.schema.fields + shredding.fields),
                options: .init(compressionLevel: Int(compressionLevel), dictionaryLimit: dictionaryLimit),
                keyValueMetadata: metadata)
        } catch {
            throw UpliftError(.io, "cannot encode a segment of \(rowCount) events", cause: error)
        }
        var start = 0
        while start < rowCount {
            let end = min(rowCount, start + configuration.rowGroupRows)
            let columns = try rowGroup(start..<end)
            do { try writer.append(rowGroup: columns) } catch {
                throw UpliftError(.io, "cannot encode a segment of \(rowCount) events", cause: error)
            }
            start = end
        }
        return writer.finish()
    }

    /// Writes one new segment per project and day of the batches; returns each file with its manifest row.
    package static func writePartitions(
        of batches: [Memtable.Batch], layout: SegmentLayout, configuration: StoreConfiguration
    ) async throws(UpliftError) -> [WrittenSegment] {
        // Only (batch, event) positions here, on the caller's thread; the columns are built in parallel.
        var partitions: [PartitionKey: [EventRef]] = [:]
        for (b, batch) in batches.enumerated() {
            for (i, e) in batch.events.enumerated() {
                partitions[PartitionKey(project: batch.project, day: UTCDay(microseconds: e.timestamp)), default: []]
                    .append(EventRef(batch: Int32(b), index: Int32(i)))
            }
        }
        let work = partitions.sorted { ($0.key.project, $0.key.day) < ($1.key.project, $1.key.day) }
        return try await parallelMap(work, lane: .background) { entry throws(UpliftError) in
            let path =
                layout.partitionDirectory(entry.key.project, entry.key.day) + "/"
                + SegmentLayout.newSegmentName(kind: "f", node: configuration.node)
            var table = EventTable()
            table.reserveCapacity(entry.value.count)
            for ref in entry.value { table.append(batches[Int(ref.batch)].events[Int(ref.index)]) }
            let order = table.permutation(configuration.sortOrder)
            let bytes = try encode(
                table, rows: order[...], configuration: configuration,
                compressionLevel: configuration.flushCompressionLevel)
            try DurableFile.write(bytes, to: path)
            return WrittenSegment(
                path: path,
                record: .of(
                    bytes: bytes, path: path, layout: layout, project: entry.key.project, day: entry.key.day,
                    node: configuration.node, times: table[integers: .timestamp]))
        }
    }

    package struct PartitionKey: Hashable, Sendable {
        var project: ProjectSlug
        var day: UTCDay
    }

    private struct EventRef: Sendable {
        var batch: Int32
        var index: Int32
    }
}

/// Maps `body` over `items` on threads of the pool's `lane`, keeping order. Items are handed out as
/// earlier ones finish, as many at a time as the lane has threads: after a failure, no more start.
package func parallelMap<T: Sendable, R: Sendable>(
    _ items: [T], lane: WorkPool.Lane, _ body: @escaping @Sendable (T) throws(UpliftError) -> R
) async throws(UpliftError) -> [R] {
    let width = WorkPool.shared.width
    var results = [R?](repeating: nil, count: items.count)
    var next = 0
    do {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            func launch() {
                let i = next
                let item = items[i]
                next += 1
                group.addTask { (i, try await WorkPool.shared.run(lane) { () throws(UpliftError) in try body(item) }) }
            }
            while next < min(width, items.count) { launch() }
            while let (i, r) = try await group.next() {
                results[i] = r
                if next < items.count { launch() }
            }
        }
    } catch let error as UpliftError {
        throw error
    } catch {
        throw UpliftError(.io, "segment work failed", cause: error)
    }
    return results.map { $0! }
}
