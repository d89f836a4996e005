package import UpliftCatalog
package import UpliftModel
package import UpliftStorage

/// The catalog's segment manifest as the event store's registry, for one storage.
package struct CatalogSegmentRegistry: SegmentRegistry {
    package let catalog: Catalog
    package let storage: String

    package init(catalog: Catalog, storage: String) {
        self.catalog = catalog
        self.storage = storage
    }

    /// The registry of a data directory a store is about to write: its storage is the directory's id
    /// (`StorageIdentity`), made on first use; or, with a shared storage, the bucket's name, the directory
    /// becoming its cache.
    package static func writing(
        catalog: Catalog, dataDirectory: String, shared: (any SegmentStorage)? = nil
    ) throws(UpliftError) -> CatalogSegmentRegistry {
        if let shared {
            try StorageIdentity.claim(dataDirectory: dataDirectory, for: shared.name)
            return CatalogSegmentRegistry(catalog: catalog, storage: shared.name)
        }
        return CatalogSegmentRegistry(
            catalog: catalog, storage: try StorageIdentity.readOrCreate(dataDirectory: dataDirectory))
    }

    /// The registry of a data directory (or a shared storage) for a reader, which creates nothing; nil when
    /// the directory has no id yet (no store has opened it since the manifest existed: the reader lists the
    /// directory instead).
    package static func reading(
        catalog: Catalog, dataDirectory: String, shared: (any SegmentStorage)? = nil
    ) -> CatalogSegmentRegistry? {
        if let shared { return CatalogSegmentRegistry(catalog: catalog, storage: shared.name) }
        return StorageIdentity.read(dataDirectory: dataDirectory).map {
            CatalogSegmentRegistry(catalog: catalog, storage: $0)
        }
    }

    package func isAdopted() async throws(UpliftError) -> Bool { try await catalog.isSegmentStorageAdopted(storage) }

    package func adopt(_ records: [SegmentRecord]) async throws(UpliftError) -> Bool {
        try await catalog.adoptSegmentStorage(storage, records: records, at: Timestamp.now())
    }

    package func live() async throws(UpliftError) -> [SegmentRecord] {
        try await catalog.liveSegments(storage: storage)
    }

    package func live(project: ProjectSlug) async throws(UpliftError) -> [SegmentRecord] {
        try await catalog.liveSegments(storage: storage, project: project)
    }

    package func keys() async throws(UpliftError) -> Set<String> { try await catalog.segmentKeys(storage: storage) }

    package func add(
        _ records: [SegmentRecord], erasuresBegun: [ProjectSlug: Int]
    ) async throws(UpliftError) -> Bool {
        try await catalog.addSegments(records, storage: storage, at: Timestamp.now(), erasuresBegun: erasuresBegun)
    }

    package func erasuresBegun(projects: Set<ProjectSlug>) async throws(UpliftError) -> [ProjectSlug: Int] {
        try await catalog.erasuresBegun(projects: projects)
    }

    package func erasedPersons(project: ProjectSlug) async throws(UpliftError) -> ErasedPersons {
        let begun = try await catalog.erasuresBegun(projects: [project])[project] ?? 0
        return ErasedPersons(
            begun: begun, requestedAt: try await catalog.erasedIDHashes(project: project),
            hash: catalog.erasureHasher(project: project))
    }

    package func replace(_ sources: [String], with outputs: [SegmentRecord]) async throws(UpliftError) -> Bool {
        try await catalog.replaceSegments(sources, with: outputs, storage: storage, at: Timestamp.now())
    }

    package func replaced(olderThan age: Duration) async throws(UpliftError) -> [SegmentRecord] {
        try await catalog.replacedSegments(storage: storage, before: Timestamp.now() - Timestamp.microseconds(age))
    }

    package func lease(
        project: ProjectSlug, day: UTCDay, holder: String, for duration: Duration
    ) async throws(UpliftError) -> Bool {
        let now = Timestamp.now()
        return try await catalog.takeCompactionLease(
            storage: storage, project: project, day: day, holder: holder, now: now,
            until: now + Timestamp.microseconds(duration))
    }

    package func release(project: ProjectSlug, day: UTCDay, holder: String) async throws(UpliftError) {
        try await catalog.releaseCompactionLease(storage: storage, project: project, day: day, holder: holder)
    }

    package func forget(_ keys: [String]) async throws(UpliftError) {
        guard !keys.isEmpty else { return }
        try await catalog.forgetSegments(keys, storage: storage)
    }

    /// The live segments of `project` as a query snapshot (no pending events: those live in a server's
    /// memory), or nil when the manifest does not hold this storage yet (a directory no store has opened
    /// since the manifest existed: the caller lists the directory instead).
    /// With a shared storage the segments the data directory (its cache) lacks are downloaded first.
    package func snapshot(
        project: ProjectSlug, layout: SegmentLayout, shared: (any SegmentStorage)? = nil
    ) async throws(UpliftError) -> Snapshot? {
        guard try await isAdopted() else {
            return shared == nil ? nil : Snapshot(project: project, segments: [], pending: [])
        }
        let records = try await catalog.liveSegments(storage: storage, project: project)
        var snapshot = Snapshot(project: project, segments: records.map { layout.path(of: $0.key) }, pending: [])
        guard let shared else { return snapshot }
        snapshot.pins = try await shared.materialize(records, layout: layout)
        // Events two nodes took are read once until compaction keeps one row.
        let pinned = snapshot
        return try await WorkPool.shared.run(.interactive) { () throws(UpliftError) in
            try ReadDedup().apply(to: pinned)
        }
    }
}
