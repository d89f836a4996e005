import Synchronization
import UpliftCatalog
import UpliftModel

/// What a query needs from the catalog besides its events: the project's time zone and its person
/// links. Remembered per project for `ttl` (1 s by default): a burst of dashboard queries costs the
/// catalog one read, and an identify is visible to queries at most that long after it was acknowledged.
final class QueryContextCache: Sendable {
    struct Context: Sendable {
        var timeZone: String
        var links: [String: String]
    }

    private struct Entry {
        var context: Context
        var expires: ContinuousClock.Instant
    }

    private let catalog: Catalog
    private let ttl: Duration
    private let entries = Mutex<[ProjectSlug: Entry]>([:])

    init(catalog: Catalog, ttl: Duration) {
        self.catalog = catalog
        self.ttl = ttl
    }

    func context(_ project: ProjectSlug) async throws(UpliftError) -> Context {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[project] }), entry.expires > now { return entry.context }
        let timeZone = try await catalog.project(project)?.settings.timeZone ?? "UTC"
        let links = try await catalog.personLinks(project: project)
        let context = Context(timeZone: timeZone, links: links)
        entries.withLock { $0[project] = Entry(context: context, expires: now + ttl) }
        return context
    }
}
