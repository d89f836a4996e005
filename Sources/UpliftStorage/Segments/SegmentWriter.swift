package import UpliftModel
import UpliftParquet

/// Turns events into durable Parquet segments.
package enum SegmentWriter {
    /// Footer keys of a compacted segment: the segments it replaces and the outputs of its
    /// compaction (comma-separated file names).
    package static let replacesKey = "uplift.replaces"
    package static let outputsKey = "uplift.outputs"
    package static let formatKey = "uplift.format"
    package static let sortKey = "uplift.sort"

    /// Encodes one segment from events already in the configured sort order, in row groups of the configured size.
    package static func encode(
        _ events: [Event], configuration: StoreConfiguration, compressionLevel: Int32, compaction: CompactionRecord? = nil
    ) throws(UpliftError) -> [UInt8] {
        var metadata = [(formatKey, EventSchema.formatVersion), (sortKey, configuration.sortOrder.rawValue)]
        if let compaction {
            metadata.append((replacesKey, compaction.replaces.joined(separator: ",")))
            metadata.append((outputsKey, compaction.outputs.joined(separator: ",")))
        }
        do {
            var writer = try ParquetWriter(
                schema: EventSchema.schema,
                options: .init(compressionLevel: Int(compressionLevel)),
                keyValueMetadata: metadata)
            var start = 0
            while start < events.count {
                let end = min(events.count, start + configuration.rowGroupRows)
                try writer.append(rowGroup: EventSchema.columns(events[start..<end]))
                start = end
            }
            return writer.finish()
        } catch {
            throw UpliftError(.io, "cannot encode a segment of \(events.count) events", cause: error)
        }
    }

    /// Writes one new segment per project and day of the batches; returns where each went.
    /// Partitions are encoded on both cores at once.
    package static func writePartitions(
        of batches: [Memtable.Batch], layout: SegmentLayout, configuration: StoreConfiguration
    ) async throws(UpliftError) -> [(ProjectSlug, UTCDay, String)] {
        var partitions: [PartitionKey: [Event]] = [:]
        for batch in batches {
            for e in batch.events {
                partitions[PartitionKey(project: batch.project, day: UTCDay(microseconds: e.timestamp)), default: []].append(e)
            }
        }
        let work = partitions.sorted { ($0.key.project, $0.key.day) < ($1.key.project, $1.key.day) }
        return try await parallelMap(work, width: 2) { entry throws(UpliftError) in
            let path = layout.partitionDirectory(entry.key.project, entry.key.day) + "/" + SegmentLayout.newSegmentName(kind: "f")
            var events = entry.value
            configuration.sortOrder.sort(&events)
            let bytes = try encode(events, configuration: configuration, compressionLevel: configuration.flushCompressionLevel)
            try DurableFile.write(bytes, to: path)
            return (entry.key.project, entry.key.day, path)
        }
    }

    package struct PartitionKey: Hashable, Sendable {
        var project: ProjectSlug
        var day: UTCDay
    }
}

/// Maps `body` over `items` on blocking-I/O threads, at most `width` at a time, keeping order.
package func parallelMap<T: Sendable, R: Sendable>(
    _ items: [T], width: Int, _ body: @escaping @Sendable (T) throws(UpliftError) -> R
) async throws(UpliftError) -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    var next = 0
    do {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            func launch() {
                let i = next
                let item = items[i]
                next += 1
                group.addTask { (i, try await BlockingIO.run { () throws(UpliftError) in try body(item) }) }
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
