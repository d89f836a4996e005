import Synchronization
package import UpliftModel
import UpliftParquet

/// A project's person links as a Parquet file beside its events, so that a query process loads them
/// at the speed of reading a file instead of decoding a million catalog rows:
/// `<data>/persons/project=<slug>/person_map.parquet`, one row per linked distinct id (ids that are
/// their own person are left out) with its person's id, sorted by person. The footer names the
/// catalog (`uplift.catalog_id`) and the person links version the rows are at
/// (`uplift.person_links_version`); a reader applies the catalog's changes since that version
/// (`Catalog.personLinkChanges`). Any process may rewrite it; each write replaces it whole.
package enum PersonMapFile {
    package static func path(root: String, project: ProjectSlug) -> String {
        SegmentLayout(root: root).root + "/persons/project=" + project.value + "/person_map.parquet"
    }

    static let versionKey = "uplift.person_links_version"
    static let catalogKey = "uplift.catalog_id"
    static let rowsPerGroup = 1 << 20

    /// Writes `links` (at `version` of catalog `catalogID`) to `path`, atomically.
    package static func write(
        _ links: PersonLinks, version: Int64, catalogID: String, to path: String
    ) throws(UpliftError) {
        // Rows in the links' order, which keeps each person's ids together when they came from the
        // catalog: the person column is then runs of one value, which readers intern once.
        let schema = ParquetSchema(fields: [
            ParquetField(name: "distinct_id", type: .string), ParquetField(name: "person_id", type: .string),
        ])
        let bytes: [UInt8]
        do throws(ParquetError) {
            var writer = try ParquetWriter(
                schema: schema, options: .init(compressionLevel: 1),
                keyValueMetadata: [(versionKey, String(version)), (catalogKey, catalogID)])
            var start = 0
            repeat {
                let end = min(start + rowsPerGroup, links.count)
                var ids = ByteArrays()
                var persons = ByteArrays()
                for i in start..<end {
                    ids.append(links.ids[i])
                    persons.append(links.persons[Int(links.personIndex[i])])
                }
                // An empty map still needs a row group: one row with empty ids, which no distinct id is.
                if links.isEmpty {
                    ids.append("")
                    persons.append("")
                }
                try writer.append(rowGroup: [
                    ColumnData(values: .byteArrays(ids)), ColumnData(values: .byteArrays(persons)),
                ])
                start = end
            } while start < links.count
            bytes = writer.finish()
        } catch {
            throw UpliftError(.io, "cannot write the person map \(path): \(error.message)")
        }
        try DurableFile.write(bytes, to: path, shared: true)
    }

    /// The file at `path`, or nil when there is none or it is not one this reader can use (damaged,
    /// another catalog's): the caller then reads the links from the catalog.
    package static func read(path: String, catalogID: String) -> PersonMapColumns? {
        guard let file = try? ParquetFile(path: path),
            file.metadataValue(for: catalogKey) == catalogID,
            let version = file.metadataValue(for: versionKey).flatMap({ Int64($0) }),
            let idColumn = try? file.columnIndex("distinct_id"), let personColumn = try? file.columnIndex("person_id")
        else { return nil }
        // Every column chunk on its own core: a million links are two chunks of tens of megabytes.
        let groups = file.rowGroups.count
        let read = Mutex([ByteArrays?](repeating: nil, count: 2 * groups))
        WorkPool.shared.parallelFor(iterations: 2 * groups) { k in
            let column = k % 2 == 0 ? idColumn : personColumn
            let chunk = (try? file.readByteArrays(column: column, rowGroup: k / 2).chunk).map(Self.values)
            read.withLock { $0[k] = chunk }
        }
        let columns = read.withLock { $0 }
        var chunks: [PersonMapColumns.Chunk] = []
        for group in 0..<groups {
            guard let ids = columns[2 * group], let persons = columns[2 * group + 1], ids.count == persons.count
            else { return nil }
            let chunk = PersonMapColumns.Chunk(ids: StringBytes(values: ids), persons: StringBytes(values: persons))
            // The placeholder row of an empty map (an empty id is no distinct id).
            if chunk.ids.count == 1 && chunk.ids.string(at: 0).isEmpty { continue }
            chunks.append(chunk)
        }
        return PersonMapColumns(version: version, chunks: chunks)
    }

    /// A chunk's values, a dictionary-encoded one expanded (this file's writer never asks for one).
    private static func values(_ chunk: ByteArrayChunk) -> ByteArrays {
        switch chunk {
        case .plain(let values): return values
        case .dictionary(let entries, let indices):
            var values = ByteArrays()
            entries.bytes.withUnsafeBufferPointer { bytes in
                for index in indices {
                    let at = Int(index)
                    values.append(contentsOf: bytes[Int(entries.offsets[at])..<Int(entries.offsets[at + 1])])
                }
            }
            return values
        }
    }
}

/// Person links as byte columns: each linked distinct id beside its person's id, in chunks, at a
/// version of the catalog's links. Made from a `PersonMapFile` or from links read from the catalog.
package struct PersonMapColumns: Sendable {
    package struct Chunk: Sendable {
        package let ids: StringBytes
        package let persons: StringBytes
    }

    package let version: Int64
    package let chunks: [Chunk]

    package init(version: Int64, chunks: [Chunk]) {
        self.version = version
        self.chunks = chunks
    }

    /// From links held as strings (ids of one person stay together).
    package init(version: Int64, links: PersonLinks) {
        var ids = ByteArrays()
        var persons = ByteArrays()
        for (id, person) in zip(links.ids, links.personIndex) {
            ids.append(id)
            persons.append(links.persons[Int(person)])
        }
        self.init(
            version: version, chunks: [Chunk(ids: StringBytes(values: ids), persons: StringBytes(values: persons))])
    }

    /// The number of linked ids.
    package var count: Int { chunks.reduce(0) { $0 + $1.ids.count } }
}
