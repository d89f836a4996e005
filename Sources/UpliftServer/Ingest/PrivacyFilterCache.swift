import Synchronization
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// Each project's `PrivacyFilter`, read from the catalog at most once per `ttl` (the key cache's, 10 s by
/// default): a change made with `uplift project set` applies to every node's ingestion within that time.
/// Bounded by the number of projects (only projects whose keys were granted reach it).
final class PrivacyFilterCache: Sendable {
    private struct Entry {
        var filter: PrivacyFilter?
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

    /// The project's filter, nil when it stores events as sent. While the catalog cannot be read, the settings
    /// last read are used (as the key cache keeps accepting keys it checked); a project whose settings were never
    /// read is a 503: events are never stored unfiltered for want of knowing the settings.
    func filter(_ project: ProjectSlug) async throws(UpliftError) -> PrivacyFilter? {
        let now = stopwatch.elapsed
        let cached = entries.withLock { $0[project] }
        if let cached, cached.expires > now { return cached.filter }
        let filter: PrivacyFilter?
        do {
            filter = try await catalogCall(
                "the catalog cannot be read right now, so no events were stored; retry later"
            ) { () throws(UpliftError) in try await catalog.privacyFilter(project: project) }
        } catch {
            guard let cached else { throw error }
            // Asked again in a second, not by every request meanwhile.
            entries.withLock { $0[project]?.expires = now + .seconds(1) }
            return cached.filter
        }
        entries.withLock { $0[project] = Entry(filter: filter, expires: now + ttl) }
        return filter
    }
}
