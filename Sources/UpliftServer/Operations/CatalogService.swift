import ServiceLifecycle
import UpliftCatalog

/// Runs the catalog while the server runs: on PostgreSQL, the connection pool that connects on
/// demand and reconnects after the server went away. It stops last, after the store has flushed.
struct CatalogService: Service {
    let catalog: Catalog

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await catalog.run()
        }
    }
}
