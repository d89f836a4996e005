import Foundation
import Logging
import Synchronization
import UpliftCatalog
import UpliftExperiments
import UpliftModel
import UpliftStorage

/// The running experiments and enabled flags of each project, parsed into a `Decider`, kept for
/// `ttl` (1 s by default): a stop or a new flag reaches every decide within about a second, and a
/// busy decide endpoint costs the catalog two queries per project per second. When an entry expires,
/// one request reloads it while the others go on with the previous one (no burst of reloads).
final class DecideCache: Sendable {
    private struct Entry {
        var decider: Decider
        /// The latest `updated_at` of the definitions in it (nil when there are none).
        var updated: Date?
        /// On `stopwatch`.
        var expires: Duration
        var reloading: Bool
    }

    private let catalog: Catalog
    private let ttl: Duration
    private let logger: Logger
    private let entries = Mutex<[ProjectSlug: Entry]>([:])
    private let stopwatch: Stopwatch

    init(catalog: Catalog, ttl: Duration, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.catalog = catalog
        self.ttl = ttl
        self.stopwatch = Stopwatch(clock)
        self.logger = logger
    }

    func decider(_ project: ProjectSlug) async throws(UpliftError) -> Decider {
        try await definitions(project).decider
    }

    /// The decider and the latest update time of its definitions (GrowthBook's `dateUpdated`).
    func definitions(_ project: ProjectSlug) async throws(UpliftError) -> (decider: Decider, updated: Date?) {
        let now = stopwatch.elapsed
        // Fresh, or stale while another request reloads it: answer from memory.
        let cached: (Decider, Date?)? = entries.withLock { entries in
            guard var entry = entries[project] else { return nil }
            if entry.expires > now || entry.reloading { return (entry.decider, entry.updated) }
            entry.reloading = true
            entries[project] = entry
            return nil
        }
        if let cached { return cached }
        let loaded: (Decider, Date?)
        do {
            loaded = try await load(project)
        } catch {
            // The next request tries again.
            entries.withLock { $0[project]?.reloading = false }
            throw error
        }
        entries.withLock {
            $0[project] = Entry(decider: loaded.0, updated: loaded.1, expires: now + ttl, reloading: false)
        }
        return loaded
    }

    /// A definition that no longer parses (written by another version) is left out and logged:
    /// one bad row must not stop every other experiment from being decided.
    private func load(_ project: ProjectSlug) async throws(UpliftError) -> (Decider, Date?) {
        var experiments: [ExperimentDefinition] = []
        var updated: Date?
        for stored in try await catalog.experiments(project: project, statuses: [.running]) {
            updated = max(updated ?? stored.updatedAt, stored.updatedAt)
            do {
                experiments.append(try StoredExperimentText.definition(stored))
            } catch {
                logger.warning(
                    "a stored experiment does not parse; decide leaves it out",
                    metadata: [
                        "decide.project": "\(project)", "decide.experiment": "\(stored.key)",
                        "error": "\(error.message)",
                    ])
            }
        }
        var flags: [FlagDefinition] = []
        for stored in try await catalog.flags(project: project, enabledOnly: true) {
            updated = max(updated ?? stored.updatedAt, stored.updatedAt)
            do {
                flags.append(try FlagDefinition(json: try JSONValue(parsing: Array(stored.definition.utf8))))
            } catch {
                logger.warning(
                    "a stored flag does not parse; decide leaves it out",
                    metadata: [
                        "decide.project": "\(project)", "decide.flag": "\(stored.key)", "error": "\(error.message)",
                    ])
            }
        }
        return (Decider(flags: flags, experiments: experiments), updated)
    }
}
