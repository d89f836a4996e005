import Synchronization
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// What a query needs from the catalog besides its events: the project's time zone and its person
/// links. Remembered per project for `ttl` (1 s by default): a burst of dashboard queries costs the
/// catalog one read, and an identify is visible to queries at most that long after it was acknowledged.
/// After that, the links are reloaded only when their version (`Catalog.personLinksVersion`) changed.
final class QueryContextCache: Sendable {
    struct Context: Sendable {
        var timeZone: String
        var links: [String: String]
    }

    private struct Entry {
        var context: Context
        var linksVersion: Int64
        /// On `stopwatch`.
        var expires: Duration
    }

    private let catalog: Catalog
    private let ttl: Duration
    private let entries = Mutex<[ProjectSlug: Entry]>([:])
    private let stopwatch: Stopwatch

    init(catalog: Catalog, ttl: Duration, clock: any Clock<Duration> = ContinuousClock()) {
        self.catalog = catalog
        self.ttl = ttl
        self.stopwatch = Stopwatch(clock)
    }

    func context(_ project: ProjectSlug) async throws(UpliftError) -> Context {
        let now = stopwatch.elapsed
        let cached = entries.withLock { $0[project] }
        if let cached, cached.expires > now { return cached.context }
        let timeZone = try await catalog.project(project)?.settings.timeZone ?? "UTC"
        // Loading every link is the expensive part (millions of rows on a big project): reload
        // only when the links changed since the last load.
        let version = try await catalog.personLinksVersion(project: project)
        let links =
            cached?.linksVersion == version ? cached!.context.links : try await catalog.personLinks(project: project)
        let context = Context(timeZone: timeZone, links: links)
        entries.withLock { $0[project] = Entry(context: context, linksVersion: version, expires: now + ttl) }
        return context
    }
}
