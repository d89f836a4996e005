import Prometheus
import Synchronization
import UpliftCatalog
package import UpliftStorage

/// The server's Prometheus metrics, one registry per server (no global state, so tests can run
/// several servers in one process). Names follow Prometheus conventions (`_total`, `_seconds`, `_bytes`).
package final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let accepted: Counter
    let duplicates: Counter
    let clamped: Counter
    let fsyncDuration: DurationHistogram
    let logBytes: Gauge
    let pendingEvents: Gauge
    let flushLag: Gauge
    let openConnections: Gauge
    let connectionsClosedIdle: Counter
    let connectionsRefused: Counter
    let cacheBytes: Gauge
    let cacheBudget: Gauge
    let cacheDownloaded: Counter
    let cacheEvicted: Counter
    /// The cache's counts at the last exposition (its counters go up by the difference).
    private let cacheCounted = Mutex((downloaded: Int64(0), evicted: Int64(0)))
    /// Per-route handles, so that a request costs one lookup, not a registry registration.
    private let routes = Mutex<[RouteStatus: (requests: Counter, duration: DurationHistogram)]>([:])

    private struct RouteStatus: Hashable {
        var route: String
        var status: Int
    }

    static let requestBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// `node`: this node's name (`--node`), the label of `uplift_node_info`.
    package init(node: String = NodeName.default) {
        registry.makeGauge(
            descriptor: Self.name("node_info", "", "Always 1; its label names this node (--node)"),
            labels: [("node", node)]
        ).set(to: 1.0)
        accepted = registry.makeCounter(
            descriptor: Self.name("ingest_events_accepted", "total", "Events stored (durable in the log)"))
        duplicates = registry.makeCounter(
            descriptor: Self.name(
                "ingest_events_duplicate", "total", "Events acknowledged but not stored again (id already seen)"))
        clamped = registry.makeCounter(
            descriptor: Self.name(
                "ingest_events_clamped", "total",
                "Events whose time was more than 23 h in the future and set to the receive time"))
        fsyncDuration = registry.makeDurationHistogram(
            descriptor: Self.name(
                "wal_fsync_duration", "seconds", "One group commit of the write-ahead log: write plus fdatasync"),
            buckets: [
                .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500),
                .seconds(1),
            ])
        logBytes = registry.makeGauge(descriptor: Self.name("wal", "bytes", "Bytes in the write-ahead log files"))
        pendingEvents = registry.makeGauge(
            descriptor: Self.name("store_pending_events", "", "Events in the log not yet written to Parquet segments"))
        flushLag = registry.makeGauge(
            descriptor: Self.name("store_flush_lag", "seconds", "Age of the oldest event not yet in a Parquet segment"))
        openConnections = registry.makeGauge(descriptor: Self.name("http_connections", "", "HTTP connections open"))
        connectionsClosedIdle = registry.makeCounter(
            descriptor: Self.name(
                "http_connections_displaced", "total",
                "Idle connections closed to stay under --max-connections (or idle too long under pressure)"))
        connectionsRefused = registry.makeCounter(
            descriptor: Self.name(
                "http_connections_refused", "total", "New connections closed at --max-connections (all others busy)"))
        cacheBytes = registry.makeGauge(
            descriptor: Self.name(
                "segment_cache", "bytes", "With --storage s3://…: bytes of the local copies of segments"))
        cacheBudget = registry.makeGauge(
            descriptor: Self.name("segment_cache_budget", "bytes", "--cache-size (0: no limit)"))
        cacheDownloaded = registry.makeCounter(
            descriptor: Self.name(
                "segment_cache_downloaded_bytes", "total", "Bytes of segments downloaded from the object store"))
        cacheEvicted = registry.makeCounter(
            descriptor: Self.name(
                "segment_cache_evicted_bytes", "total",
                "Bytes of local segment copies deleted to stay under --cache-size"))
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "uplift", metricName: metric, unitName: unit, helpText: help)
    }

    func request(route: String, status: Int, duration: Duration) {
        let key = RouteStatus(route: route, status: status)
        let handles = routes.withLock { routes in
            if let known = routes[key] { return known }
            let made = (
                requests: registry.makeCounter(
                    descriptor: Self.name("http_requests", "total", "HTTP requests by route and status"),
                    labels: [("route", route), ("status", String(status))]),
                duration: registry.makeDurationHistogram(
                    descriptor: Self.name("http_request_duration", "seconds", "HTTP request duration by route"),
                    labels: [("route", route)], buckets: Self.requestBuckets)
            )
            routes[key] = made
            return made
        }
        handles.requests.increment()
        handles.duration.record(duration)
    }

    func rejected(reason: String, count: Int = 1) {
        registry.makeCounter(
            descriptor: Self.name("ingest_events_rejected", "total", "Events refused, by reason"),
            labels: [("reason", reason)]
        ).increment(by: Int64(count))
    }

    /// What ingestion removed under the projects' personal-data controls, by kind.
    func privacy(_ counts: PrivacyCounts) {
        for (kind, count) in counts.byKind where count > 0 {
            registry.makeCounter(
                descriptor: Self.name(
                    "ingest_privacy_redactions", "total",
                    "Personal data removed at ingest by the projects' controls, by kind"),
                labels: [("kind", kind)]
            ).increment(by: Int64(count))
        }
    }

    func connections(open: Int, closedIdle: Int, refused: Int) {
        openConnections.set(Double(open))
        if closedIdle > 0 { connectionsClosedIdle.increment(by: Int64(closedIdle)) }
        if refused > 0 { connectionsRefused.increment(by: Int64(refused)) }
    }

    package func walCommitted(_ commit: WALCommit) {
        fsyncDuration.record(commit.duration)
    }

    /// The Prometheus text exposition, with the store's gauges read now.
    func exposition(store: StoreStatus, now: Int64) -> [UInt8] {
        logBytes.set(Double(store.logBytes))
        pendingEvents.set(Double(store.pendingEvents))
        flushLag.set(store.oldestPendingReceivedAt.map { Double(max(0, now - $0)) / 1_000_000 } ?? 0)
        if let cache = store.cache {
            cacheBytes.set(Double(cache.bytes))
            cacheBudget.set(Double(cache.budget ?? 0))
            let (downloaded, evicted) = cacheCounted.withLock { last in
                defer { last = (cache.downloadedBytes, cache.evictedBytes) }
                return (cache.downloadedBytes - last.downloaded, cache.evictedBytes - last.evicted)
            }
            if downloaded > 0 { cacheDownloaded.increment(by: Double(downloaded)) }
            if evicted > 0 { cacheEvicted.increment(by: Double(evicted)) }
        }
        return registry.emitToBuffer()
    }
}
