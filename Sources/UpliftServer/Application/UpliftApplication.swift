import Foundation
import HTTPTypes
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
package import Logging
import NIOCore
import UpliftAnalysis
package import UpliftCatalog
import UpliftModel
package import UpliftStorage

/// Builds the HTTP application `uplift serve` runs (and the tests drive): the routes, the
/// middleware, and the services that live and stop with it (the store's flusher).
package enum UpliftApplication {
    /// Segment's single-message endpoints and the type each implies.
    static let segmentRoutes: [(path: String, type: EventType?)] = [
        ("/v1/track", .track), ("/v1/identify", .identify), ("/v1/page", .page), ("/v1/screen", .screen),
        ("/v1/group", .group), ("/v1/alias", .alias), ("/v1/batch", nil),
    ]
    /// PostHog's capture endpoints.
    static let postHogRoutes = ["/capture", "/batch", "/e", "/i/v0/e"]

    /// Runs the server until SIGTERM or SIGINT, then stops gracefully: stops accepting, answers the
    /// requests in progress, flushes and closes the store.
    package static func serve(
        configuration: ServerConfiguration, store: EventStore, catalog: Catalog, metrics: ServerMetrics,
        logger: Logger, onListening: @escaping @Sendable (String, Int) async -> Void
    ) async throws {
        do {
            try await build(
                configuration: configuration, store: store, catalog: catalog, metrics: metrics, logger: logger,
                onListening: onListening
            ).runService()
        } catch let error as IOError {
            throw bindFailure(error, host: configuration.host, port: configuration.port) ?? error
        }
    }

    /// The listening socket's failures, said with the address and their likely cause (NIO's own
    /// text names only the system call).
    static func bindFailure(_ error: IOError, host: String, port: Int) -> UpliftError? {
        let address = "\(host):\(port)"
        switch error.errnoCode {
        case EADDRINUSE:
            return UpliftError(
                .io,
                "cannot listen on \(address): the address is already in use, most likely by another uplift server"
                    + " (make run starts one) or another program; stop it or pick another --port")
        case EADDRNOTAVAIL:
            return UpliftError(
                .io, "cannot listen on \(address): no network interface of this machine has that address; check --host")
        case EACCES:
            return UpliftError(
                .io, "cannot listen on \(address): ports below 1024 need privileges; pick a --port of 1024 or more")
        default:
            return nil
        }
    }

    /// The application over an open store and catalog. It runs the catalog (its PostgreSQL pool)
    /// as a service, and closes the store when it stops (after the server has stopped accepting and
    /// answered the requests it had); closing the catalog stays the caller's. `onListening` is
    /// called with the bound address (useful with port 0).
    package static func build(
        configuration: ServerConfiguration, store: EventStore, catalog: Catalog, metrics: ServerMetrics,
        logger: Logger, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        // Before the routes: router middleware only wraps endpoints added after it.
        let errors = ErrorResponder(logger: logger, retryAfter: configuration.retryAfterSeconds)
        router.add(middleware: ObservingMiddleware(metrics: metrics, errors: errors))

        let authorizer = KeyAuthorizer(catalog: catalog, ttl: configuration.keyCacheTTL, clock: configuration.clock)
        // The front door's sessions: a signed-in browser's cookie stands for the read key on the GET pages.
        let sessions = SessionStore(lifetime: configuration.sessionLifetime, clock: configuration.clock)
        router.add(middleware: SessionCredentials(sessions: sessions, authorizer: authorizer))
        let ingestor = Ingestor(
            store: store, authorizer: authorizer,
            linker: PersonLinker(catalog: catalog),
            privacy: PrivacyFilterCache(catalog: catalog, ttl: configuration.keyCacheTTL, clock: configuration.clock),
            limiter: configuration.rateLimit.map { RateLimiter(requestsPerSecond: $0) },
            metrics: metrics,
            bodyReader: RequestBodyReader(limit: configuration.maxBodyBytes, timeout: configuration.bodyTimeout))
        let ingestion = router.group().add(middleware: OpenCORSMiddleware(errors: errors))
        var routes: [(String, IngestRoute)] = segmentRoutes.map { ($0.path, .segment($0.type)) }
        routes += postHogRoutes.map { ($0, .postHog) }
        routes.append(("/v1/feedback", .feedback))
        for (path, route) in routes {
            ingestion.post(RouterPath(path)) { request, _ in try await ingestor.ingest(request, route: route) }
            ingestion.on(RouterPath(path), method: .options) { _, _ in
                OpenCORSMiddleware<BasicRequestContext>.preflight()
            }
        }
        // Queries: read key in the header, no CORS (the key is a secret, not for browsers).
        let queries = QueryHandler(
            store: store, catalog: catalog, engine: AnalysisEngine(cacheBytes: configuration.queryCacheBytes),
            authorizer: authorizer,
            contexts: QueryContextCache(
                catalog: catalog, dataDirectory: store.layout.root, ttl: configuration.queryContextTTL,
                clock: configuration.clock),
            executor: QueryExecutor(
                concurrency: configuration.queryConcurrency, timeout: configuration.queryTimeout,
                clock: configuration.clock),
            bodyReader: RequestBodyReader(limit: configuration.maxQueryBodyBytes, timeout: configuration.bodyTimeout),
            watchAfter: configuration.queryWatchAfter, spark: configuration.engine)
        // The read key's POSTs refuse what a page on another site can make a browser send (CrossSiteGuard).
        let queryRoutes = router.group().add(middleware: CrossSiteGuard(errors: errors, acceptsYAML: false))
        for kind in QueryKind.allCases {
            queryRoutes.post(RouterPath(kind.path)) { request, _ in try await queries.answer(request, kind: kind) }
        }
        // Experiment and flag definitions: read key (they steer what users see). Decide: write key
        // and CORS, as ingestion (apps call it).
        let definitionReader = RequestBodyReader(
            limit: configuration.maxQueryBodyBytes, timeout: configuration.bodyTimeout)
        let definitionRoutes = router.group().add(middleware: CrossSiteGuard(errors: errors, acceptsYAML: true))
        ExperimentRoutes(catalog: catalog, authorizer: authorizer, bodyReader: definitionReader)
            .add(to: definitionRoutes)
        FlagRoutes(catalog: catalog, authorizer: authorizer, bodyReader: definitionReader).add(to: definitionRoutes)
        let decideCache = DecideCache(
            catalog: catalog, ttl: configuration.queryContextTTL, clock: configuration.clock, logger: logger)
        let decide = DecideHandler(authorizer: authorizer, cache: decideCache, bodyReader: definitionReader)
        ingestion.post("/v1/decide") { request, _ in try await decide.decide(request) }
        ingestion.on("/v1/decide", method: .options) { _, _ in OpenCORSMiddleware<BasicRequestContext>.preflight() }
        // PostHog's `/flags` and `/decide`, GrowthBook's `/api/features/{key}`: the same cache, the same answers.
        SDKFlagRoutes(authorizer: authorizer, cache: decideCache, bodyReader: definitionReader).add(to: ingestion)
        GoalRoutes(queries: queries, catalog: catalog, folder: configuration.dashboards).add(to: router)
        let erasures = ErasureRunner(catalog: catalog, store: store, logger: logger)
        PersonRoutes(queries: queries, erasures: erasures).add(to: router)
        FrontDoorRoutes(
            queries: queries, catalog: catalog, folder: configuration.dashboards, sessions: sessions,
            throttle: SignInThrottle(burst: 10, perSecond: 1, clock: configuration.clock),
            bodyReader: RequestBodyReader(limit: 4096, timeout: configuration.bodyTimeout)
        ).add(to: router)
        HealthRoutes(store: store, catalog: catalog, metrics: metrics, retryAfter: configuration.retryAfterSeconds)
            .add(to: router)

        let http = HTTP1Channel.Configuration(
            idleTimeout: .nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000))
        let limiter = ConnectionLimiter(
            .init(
                maxConnections: configuration.maxConnections, pressureIdleTimeout: configuration.pressureIdleTimeout),
            metrics: metrics)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                let channel = LimitedHTTP1Channel(
                    http1: HTTP1Channel(responder: responder, configuration: http), limiter: limiter)
                // TLS below HTTP: the limits, timeouts and routes are the same on either.
                guard let tls = configuration.tls else { return channel }
                return try TLSChannel(channel, tlsConfiguration: tls)
            },
            // A deep accept queue: a burst of connections waits to be accepted (and displaces idle ones)
            // instead of having its SYNs dropped (the kernel caps it at net.core.somaxconn).
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                backlog: 4096),
            // Stopped in reverse order: the server, then the store (flushing), then the catalog.
            services: [
                CatalogService(catalog: catalog),
                StoreService(
                    store: store, logger: logger, catalog: catalog, erasures: erasures,
                    compactionInterval: configuration.compactionInterval,
                    clock: configuration.clock),
            ],
            onServerRunning: { channel in
                let address = channel.localAddress
                await onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger)
    }
}
