import ArgumentParser
import Foundation
import Logging
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftSpark
import UpliftStorage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server: Segment and PostHog ingestion, feedback, queries, health and metrics.",
        discussion: """
            Events are acknowledged only once they are in the fsynced write-ahead log. SIGTERM or SIGINT \
            stops accepting, answers the requests in progress, writes everything to segments and exits 0. \
            Create a project and a write key first: `uplift project create P`, `uplift key create --project P --kind write`.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var catalogOptions: CatalogOptions
    @OptionGroup var storageOptions: StorageOptions
    @OptionGroup var nodeOptions: NodeOptions
    @Option(
        help: ArgumentHelp(
            "Write events that waited this long into segments (2xx answers never wait for it: the log is durable): 5s, 30s, 2m.",
            discussion:
                "With a shared --storage it is also how long other nodes may take to see an acknowledged event.",
            valueName: "duration"))
    var flushInterval = "30s"
    @Option(
        help: ArgumentHelp(
            "The most this node's write-ahead log may hold (bytes, or with KiB, MiB, GiB) while segments cannot be written.",
            discussion:
                "Past it ingestion answers 503 storage_unavailable with Retry-After until a flush (e.g. once the object store is back) trims the log.",
            valueName: "size"))
    var maxWalSize = "4GiB"
    @Option(
        help: ArgumentHelp(
            "With --storage: the most disk the local copies of segments may take between queries (bytes, or with MiB or GiB).",
            discussion:
                "No limit by default. Least recently used copies go first; a question keeps what it reads until it ends, so give at least what the widest questions read (the segments of their days).",
            valueName: "size"))
    var cacheSize: String?
    @Option(
        help: ArgumentHelp(
            "How often closed days (and days whose segments pile up) are compacted: 60s, 10m, 1h.",
            valueName: "duration"))
    var compactionInterval = "60s"
    @Option(help: "Address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one; the startup line says which).") var port = 8080
    @Option(help: "Requests per second allowed per write key (bursts of one second's worth); no limit by default.")
    var rateLimit: Double?
    @Option(
        help: ArgumentHelp(
            "Memory for decoded event columns kept between queries: bytes, or a number with KiB, MiB or GiB.",
            valueName: "size"))
    var queryCacheMemory = "3GiB"
    @Option(
        help: """
            Connections kept open at once; past it the longest-idle ones are closed to make room (under \
            pressure, idle ones after 5 s). The open-files limit is raised to its hard limit at start, and this \
            is lowered to fit under it.
            """)
    var maxConnections = 4096
    @Option(
        help: ArgumentHelp(
            "Seconds a query may run (waiting its turn included) before it stops and is answered 504 query_timeout.",
            valueName: "seconds"))
    var queryTimeout: Double = 60
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(
        help: ArgumentHelp(
            "Folder of PR/FAQ files served by GET /v1/goals and /v1/reports (read on each request); none by default.",
            valueName: "dir"))
    var dashboards: String?
    @Option(
        help: ArgumentHelp(
            "Answer the questions that compile to SQL on Apache Spark through Spark Connect: sc://HOST:PORT[/;token=…] (also $UPLIFT_ENGINE).",
            valueName: "sc://…"))
    var engine: String?
    @Option(
        help: ArgumentHelp(
            "Serve HTTPS with this PEM certificate chain (the server's certificate first); needs --tls-key.",
            valueName: "file"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("The certificate's PEM private key (unencrypted).", valueName: "file"))
    var tlsKey: String?

    /// The Spark engine of `--engine` or `$UPLIFT_ENGINE`, with the server's query timeout per call.
    func sparkEngine() throws(UpliftError) -> SparkEngine? {
        guard let text = engine ?? ProcessInfo.processInfo.environment["UPLIFT_ENGINE"], !text.isEmpty else {
            return nil
        }
        guard !storageOptions.isShared else {
            throw UpliftError(
                .unsupported,
                "--engine: with segments in a bucket (--storage), Spark would read the bucket itself, which Uplift does not set up yet; run the node on a data directory, or leave out --engine"
            )
        }
        return try SparkEngine(parsing: text, timeout: .milliseconds(Int64((queryTimeout * 1000).rounded())))
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard let walBytes = parseByteSize(maxWalSize), walBytes >= 1 << 20 else {
            throw ValidationError("--max-wal-size must be a size of at least 1MiB, such as 512MiB or 4GiB")
        }
        if let cacheSize {
            guard let bytes = parseByteSize(cacheSize), bytes >= 1 << 20 else {
                throw ValidationError("--cache-size must be a size of at least 1MiB, such as 20GiB")
            }
            guard storageOptions.isShared else {
                throw ValidationError(
                    "--cache-size is for segments kept in a bucket (--storage s3://BUCKET/PREFIX); the data directory keeps every segment"
                )
            }
        }
        guard parseInterval(compactionInterval) != nil else {
            throw ValidationError("--compaction-interval must be a duration from 1s to 1h, such as 60s or 10m")
        }
        guard parseInterval(flushInterval) != nil else {
            throw ValidationError("--flush-interval must be a duration from 1s to 1h, such as 5s, 30s or 2m")
        }
        if let rateLimit, !(rateLimit > 0) {
            throw ValidationError("--rate-limit must be a positive number of requests per second")
        }
        guard parseByteSize(queryCacheMemory) != nil else {
            throw ValidationError("--query-cache-memory must be a number of bytes or a size such as 512MiB or 3GiB")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both for HTTPS, or neither for HTTP")
        }
        guard queryTimeout >= 0.001, queryTimeout <= 86_400 else {
            throw ValidationError("--query-timeout must be a number of seconds from 0.001 to 86400")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if let dashboards {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dashboards, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError(
                    "--dashboards \(dashboards) is not a folder; give the folder of PR/FAQ files (e.g. dashboards)")
            }
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let node = try nodeOptions.name()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            handler.metadata["node"] = "\(node)"
            return handler
        }
        let logger = Logger(label: "uplift.server")
        try await reportingErrors {
            // Before anything is opened: a bad certificate stops the start with nothing to undo.
            let tls = try tlsCert.map { try ServerTLS.configuration(certificateFile: $0, keyFile: tlsKey ?? "") }
            let catalog = try await catalogOptions.open(dataDirectory: dataOptions.directory)
            let metrics = ServerMetrics(node: node)
            var storeConfiguration = dataOptions.storeConfiguration()
            storeConfiguration.node = node
            storeConfiguration.flushInterval = parseInterval(flushInterval) ?? storeConfiguration.flushInterval
            // Replaced segments stay in a shared bucket well past the longest query on any node.
            storeConfiguration.replacedGrace = max(.seconds(600), .milliseconds(Int64(queryTimeout * 2000)))
            storeConfiguration.maxLogBytes = UInt64(parseByteSize(maxWalSize) ?? 4 << 30)
            let shared = try storageOptions.shared(cacheBytes: cacheSize.flatMap(parseByteSize).map(Int64.init))
            storageOptions.configure(&storeConfiguration)
            storeConfiguration.walOptions.onCommit = { metrics.walCommitted($0) }
            // The segment manifest on a catalog of its own, running from now on: the store records its
            // segments while it opens, before the server runs the first catalog (its PostgreSQL pool), and
            // until its last flush, after the server stopped that one.
            let manifestCatalog: Catalog
            do { manifestCatalog = try await catalogOptions.open(dataDirectory: dataOptions.directory) } catch {
                await catalog.close()
                throw error
            }
            let manifestPool = Task { await manifestCatalog.run() }
            let store: EventStore
            do {
                store = try await EventStore.open(
                    storeConfiguration,
                    registry: try CatalogSegmentRegistry.writing(
                        catalog: manifestCatalog, dataDirectory: dataOptions.directory, shared: shared),
                    storage: shared)
            } catch {
                manifestPool.cancel()
                await manifestCatalog.close()
                await catalog.close()
                throw error
            }
            var server = ServerConfiguration(host: host, port: port)
            server.rateLimit = rateLimit
            server.compactionInterval = parseInterval(compactionInterval) ?? server.compactionInterval
            server.queryCacheBytes = parseByteSize(queryCacheMemory) ?? server.queryCacheBytes
            server.dashboards = dashboards
            server.maxConnections = maxConnections
            if let files = FileDescriptorLimit.raiseToHard(), maxConnections > files - FileDescriptorLimit.reserve {
                server.maxConnections = max(1, files - FileDescriptorLimit.reserve)
                logger.warning(
                    "--max-connections lowered to fit under the open-files limit (ulimit -n)",
                    metadata: ["server.max_connections": "\(server.maxConnections)", "server.open_files": "\(files)"])
            }
            server.queryTimeout = .milliseconds(Int64((queryTimeout * 1000).rounded()))
            server.engine = try sparkEngine()
            server.tls = tls
            let scheme = tls == nil ? "http" : "https"
            let dialect = catalog.dialect
            let directory = dataOptions.directory
            do {
                try await UpliftApplication.serve(
                    configuration: server, store: store, catalog: catalog, metrics: metrics, logger: logger,
                    onListening: { host, port in
                        Console.line(
                            "uplift listening on \(scheme)://\(host):\(port) (data \(directory), catalog \(dialect))")
                    })
            } catch let error as UpliftError {
                manifestPool.cancel()
                await manifestCatalog.close()
                await catalog.close()
                throw error
            } catch {
                manifestPool.cancel()
                await manifestCatalog.close()
                await catalog.close()
                throw UpliftError(.io, "the server stopped: \(error)")
            }
            manifestPool.cancel()
            await manifestCatalog.close()
            await catalog.close()
        }
    }
}
