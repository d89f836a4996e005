package import UpliftCatalog
package import UpliftModel
package import UpliftStorage

#if canImport(Glibc)
import Glibc
#endif

/// The catalog's segment manifest as the event store's registry, for one storage.
package struct CatalogSegmentRegistry: SegmentRegistry {
    package let catalog: Catalog
    package let storage: String

    package init(catalog: Catalog, storage: String) {
        self.catalog = catalog
        self.storage = storage
    }

    /// The registry of a data directory: its storage is `file:` and the directory's absolute path, so that
    /// one catalog may hold the manifests of several directories (and a moved directory is adopted anew).
    package init(catalog: Catalog, dataDirectory: String) {
        self.init(catalog: catalog, storage: Self.storage(dataDirectory: dataDirectory))
    }

    /// `file:/abs/path` of a data directory (symbolic links resolved when it exists).
    package static func storage(dataDirectory: String) -> String {
        var root = SegmentLayout(root: dataDirectory).root
        if let resolved = realpath(root, nil) {
            root = String(cString: resolved)
            free(resolved)
        } else if !root.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: 4096)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                root = cwd + "/" + (root.hasPrefix("./") ? String(root.dropFirst(2)) : root)
            }
        }
        return "file:" + root
    }

    package func isAdopted() async throws(UpliftError) -> Bool { try await catalog.isSegmentStorageAdopted(storage) }

    package func adopt(_ records: [SegmentRecord]) async throws(UpliftError) -> Bool {
        try await catalog.adoptSegmentStorage(storage, records: records, at: Timestamp.now())
    }

    package func live() async throws(UpliftError) -> [SegmentRecord] {
        try await catalog.liveSegments(storage: storage)
    }

    package func keys() async throws(UpliftError) -> Set<String> { try await catalog.segmentKeys(storage: storage) }

    package func add(_ records: [SegmentRecord]) async throws(UpliftError) {
        try await catalog.addSegments(records, storage: storage, at: Timestamp.now())
    }

    package func replace(_ sources: [String], with outputs: [SegmentRecord]) async throws(UpliftError) -> Bool {
        try await catalog.replaceSegments(sources, with: outputs, storage: storage, at: Timestamp.now())
    }

    package func replaced(olderThan age: Duration) async throws(UpliftError) -> [SegmentRecord] {
        let (seconds, attoseconds) = age.components
        let before = Timestamp.now() - (seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        return try await catalog.replacedSegments(storage: storage, before: before)
    }

    package func forget(_ keys: [String]) async throws(UpliftError) {
        guard !keys.isEmpty else { return }
        try await catalog.forgetSegments(keys, storage: storage)
    }

    /// The live segments of `project` as a query snapshot (no pending events: those live in a server's
    /// memory), or nil when the manifest does not hold this storage yet (a directory no store has opened
    /// since the manifest existed: the caller lists the directory instead).
    package func snapshot(project: ProjectSlug, layout: SegmentLayout) async throws(UpliftError) -> Snapshot? {
        guard try await isAdopted() else { return nil }
        let records = try await catalog.liveSegments(storage: storage, project: project)
        return Snapshot(project: project, segments: records.map { layout.path(of: $0.key) }, pending: [])
    }
}
