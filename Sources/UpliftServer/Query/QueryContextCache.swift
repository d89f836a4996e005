import Synchronization
import UpliftAnalysis
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// What a query needs from the catalog besides its events: the project's time zone, its retention, how many
/// erasures it has begun, and its person links. Remembered per project for `ttl` (1 s by default): a burst of dashboard queries costs the
/// catalog one read, and an identify is visible to queries at most that long after it was acknowledged.
/// After that, only the links that changed since are read (`PersonMapLoader`).
final class QueryContextCache: Sendable {
    struct Context: Sendable {
        var timeZone: String
        /// `ProjectSettings.retentionDays`.
        var retentionDays: Int
        /// How many erasures the project has begun and completed, on any node, and the ids of those running
        /// (`EventStore.forgetErased`).
        var erasures: (begun: Int, completed: Int)
        var erasing: Set<String>
        var links: PersonMap
    }

    private struct Entry {
        var context: Context
        /// On `stopwatch`.
        var expires: Duration
    }

    private let catalog: Catalog
    private let dataDirectory: String
    /// How stale a context may be: an erasure is not answered before this has passed since it began.
    let ttl: Duration
    private let entries = Mutex<[ProjectSlug: Entry]>([:])
    private let stopwatch: Stopwatch

    init(catalog: Catalog, dataDirectory: String, ttl: Duration, clock: any Clock<Duration> = ContinuousClock()) {
        self.catalog = catalog
        self.dataDirectory = dataDirectory
        self.ttl = ttl
        self.stopwatch = Stopwatch(clock)
    }

    /// Forgets the project's context: the next question reads it again.
    func invalidate(_ project: ProjectSlug) {
        _ = entries.withLock { $0.removeValue(forKey: project) }
    }

    func context(_ project: ProjectSlug) async throws(UpliftError) -> Context {
        let now = stopwatch.elapsed
        let cached = entries.withLock { $0[project] }
        if let cached, cached.expires > now { return cached.context }
        let settings = try await catalog.project(project)?.settings ?? ProjectSettings()
        let erasures = try await catalog.erasureCounts(project: project)
        var erasing = Set<String>()
        if erasures.begun > erasures.completed {
            for running in try await catalog.erasures(project: project, pendingOnly: true) {
                erasing.formUnion(running.pendingIDs ?? [])
            }
        }
        let links = try await PersonMapLoader.load(
            catalog: catalog, dataDirectory: dataDirectory, project: project, previous: cached?.context.links)
        let context = Context(
            timeZone: settings.timeZone, retentionDays: settings.retentionDays, erasures: erasures, erasing: erasing,
            links: links)
        entries.withLock { $0[project] = Entry(context: context, expires: now + ttl) }
        return context
    }
}
