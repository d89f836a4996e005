import Logging
import Synchronization
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// The rewriting part of a server's erasures, in the background: `DELETE /v1/persons/{id}` answers once the
/// person is hidden from every question on every node, and this then removes their events for good
/// (`PersonErasure.resume`, every project's begun erasures). One run at a time; a request during a run makes
/// another run after it. The compaction loop starts it on every tick too, so an erasure that failed (the
/// storage away, another node compacting one of its days) or that a stopped node left unfinished is finished
/// by whichever node runs next.
final class ErasureRunner: Sendable {
    let catalog: Catalog
    let store: EventStore
    let logger: Logger
    private let state = Mutex((running: false, again: false))

    init(catalog: Catalog, store: EventStore, logger: Logger) {
        self.catalog = catalog
        self.store = store
        self.logger = logger
    }

    /// Starts a run (or another after the one running), and returns.
    func start() {
        let starts = state.withLock { s -> Bool in
            if s.running {
                s.again = true
                return false
            }
            s.running = true
            return true
        }
        guard starts else { return }
        Task { await runWhileAsked() }
    }

    private func runWhileAsked() async {
        repeat {
            await runOnce()
        } while state.withLock { s -> Bool in
            if s.again {
                s.again = false
                return true
            }
            s.running = false
            return false
        }
    }

    /// Finishes every begun erasure, project by project.
    func runOnce() async {
        let projects: [Project]
        do {
            projects = try await catalog.projects()
        } catch {
            logger.error("reading the projects for erasures failed; will retry", metadata: ["error": "\(error)"])
            return
        }
        for project in projects {
            do {
                for (erasure, removed) in try await PersonErasure.resume(
                    project: project.slug, catalog: catalog, store: store, dataDirectory: store.layout.root)
                {
                    logger.info(
                        "erased a person",
                        metadata: [
                            "store.project": "\(project.slug)", "erasure": "\(erasure.id)",
                            "erasure.events_removed": "\(removed)",
                        ])
                }
            } catch {
                logger.error(
                    "an erasure could not finish; will retry",
                    metadata: ["store.project": "\(project.slug)", "error": "\(error)"])
            }
        }
    }
}
