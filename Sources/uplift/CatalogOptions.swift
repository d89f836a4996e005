import ArgumentParser
import Foundation
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

/// `--catalog URL`, for commands that touch projects, keys or persons.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Catalog: sqlite:PATH or postgres://user:password@host:port/database.",
            discussion:
                "Defaults to $UPLIFT_CATALOG, else sqlite:<data>/catalog.sqlite. Key hashes are peppered with $UPLIFT_CATALOG_SECRET, else <data>/catalog.secret.",
            valueName: "url"))
    var catalog: String?

    /// Opens (and migrates) the catalog; every failure is one UpliftError line. A PostgreSQL
    /// catalog works while its `run()` runs (`serve` runs it as a service; see `withCatalog`).
    func open(dataDirectory: String) async throws(UpliftError) -> Catalog {
        try await Catalog.open(configuration(dataDirectory: dataDirectory))
    }

    func configuration(dataDirectory: String) throws(UpliftError) -> CatalogConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let text = catalog ?? environment["UPLIFT_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
        let url =
            try text.map { text throws(UpliftError) in try CatalogURL(parsing: text) }
            ?? CatalogURL.defaultURL(dataDirectory: dataDirectory)
        let secret = try CatalogSecret.resolve(
            environmentValue: environment["UPLIFT_CATALOG_SECRET"], dataDirectory: dataDirectory)
        return CatalogConfiguration(url: url, secret: secret)
    }
}

/// Runs `body` with an open catalog and closes it, also on failure. A command's calls come one at a
/// time, so PostgreSQL stays on the connection that opened it (no pool to start and stop).
@discardableResult
func withCatalog<T>(
    _ data: DataOptions, _ options: CatalogOptions, _ body: (Catalog) async throws -> T
) async throws -> T {
    try await Catalog.withOpen(try options.configuration(dataDirectory: data.directory), pooled: false, body)
}

/// Runs `body` on the data directory's event store (`configuration`, as this node with `--node`), its segments
/// recorded in `catalog`'s manifest (with `--storage`, kept in the bucket), and closes the store afterwards
/// (flushing the log), also when `body` throws. Opening takes the data directory's lock: beside a running server
/// on the same directory it fails saying so.
func withStore<T>(
    _ configuration: StoreConfiguration, _ data: DataOptions, _ storage: StorageOptions, _ node: NodeOptions,
    catalog: Catalog, _ body: (EventStore) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.node = try node.name()
    storage.configure(&configuration)
    let shared = try storage.shared()
    let store = try await EventStore.open(
        configuration,
        registry: try CatalogSegmentRegistry.writing(catalog: catalog, dataDirectory: data.directory, shared: shared),
        storage: shared)
    do {
        let result = try await body(store)
        try await store.close()
        return result
    } catch {
        try? await store.close()
        throw error
    }
}

/// The project `slug` of the catalog, or an error saying how to create it.
func existingProject(_ catalog: Catalog, _ slug: ProjectSlug) async throws(UpliftError) -> Project {
    guard let project = try await catalog.project(slug) else {
        throw UpliftError(
            .notFound,
            "project '\(slug)' does not exist; create it with `uplift project create \(slug)` or import events into it")
    }
    return project
}

/// The live segments of a project from the catalog's segment manifest (read-only: works beside a running
/// server; events still only in its log are not seen). A data directory no store has opened since the
/// manifest existed is listed instead.
/// With a bucket (`--storage`) the data directory is the cache the segments are downloaded into. Days older
/// than the project's retention are left out.
func liveSnapshot(
    _ catalog: Catalog, dataDirectory: String, storage: StorageOptions, project: ProjectSlug
) async throws -> Snapshot {
    // Days past the project's retention are not seen, whether or not a compaction has deleted them yet.
    let retention = Retention(days: try await catalog.project(project)?.settings.retentionDays ?? 0)
    let kept = retention.firstKeptDay(now: Timestamp.now())
    let shared = try storage.shared()
    if let registry = CatalogSegmentRegistry.reading(catalog: catalog, dataDirectory: dataDirectory, shared: shared),
        let snapshot = try await registry.snapshot(
            project: project, layout: storage.layout(dataDirectory: dataDirectory), shared: shared)
    {
        return snapshot.retaining(from: kept)
    }
    return try Snapshot.onDisk(dataDirectory: dataDirectory, project: project).retaining(from: kept)
}

/// `2026-03-01T10:00:00Z`.
func isoTime(_ date: Date) -> String {
    Timestamp.formatSeconds(epochSeconds: date.timeIntervalSince1970)
}
