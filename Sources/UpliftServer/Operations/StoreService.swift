import Logging
import ServiceLifecycle
import UpliftStorage

/// Runs the store's background flusher while the server runs; on shutdown (after the server has
/// stopped accepting and answered what it had) flushes everything to segments and closes the log.
struct StoreService: Service {
    let store: EventStore
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await store.runFlusher()
        }
        logger.info("flushing the event store before exit")
        try await store.close()
    }
}
