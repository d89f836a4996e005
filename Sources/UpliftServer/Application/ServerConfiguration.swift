package import NIOSSL
package import UpliftSQL

/// How `uplift serve` listens and what it accepts. Filled from flags and environment at the edge.
package struct ServerConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 8080
    /// Largest request body after decompression (DESIGN: 5 MB), enforced while inflating.
    package var maxBodyBytes = 5 * 1024 * 1024
    /// A client that has not sent its whole body within this time gets 408; other requests go on.
    package var bodyTimeout: Duration = .seconds(30)
    /// A connection with no traffic for this long is closed (stalled clients, idle keep-alives).
    package var idleTimeout: Duration = .seconds(60)
    /// Connections kept open at once (`--max-connections`); past it the longest-idle ones are closed to
    /// make room. Keep it well under the file descriptor limit (`ulimit -n`).
    package var maxConnections = 4096
    /// Under pressure (over 3/4 of `maxConnections` open) a connection idle this long is closed.
    package var pressureIdleTimeout: Duration = .seconds(5)
    /// Requests per second allowed per write key (bursts up to one second's worth); nil = no limit.
    package var rateLimit: Double?
    /// How long a key check is remembered: a revoked key stops working within this time.
    package var keyCacheTTL: Duration = .seconds(10)
    /// How often closed days' flushed segments are merged into sorted, compacted ones.
    package var compactionInterval: Duration = .seconds(60)
    /// Bytes of decoded segment columns the query engine keeps between queries (`--query-cache-memory`).
    package var queryCacheBytes = 3 << 30
    /// Largest query body (a query is small; 1 MB leaves room for long filter lists).
    package var maxQueryBodyBytes = 1 << 20
    /// Queries computing at once; more wait their turn (each one already uses every core).
    package var queryConcurrency = 2
    /// A query still running this long after it arrived (waiting in line included) stops and is
    /// answered 504 `query_timeout` (`--query-timeout`).
    package var queryTimeout: Duration = .seconds(60)
    /// Where questions that compile to SQL run (`--engine sc://…`): Apache Spark through Spark Connect; nil:
    /// the embedded engine answers every question.
    package var engine: (any SQLEngine)?
    /// A query still running this long has its connection watched: a client that leaves stops it.
    package var queryWatchAfter: Duration = .seconds(1)
    /// How long a project's person links and time zone are reused by queries: an identify shows in
    /// query results at most this long after it was acknowledged.
    package var queryContextTTL: Duration = .seconds(1)
    /// The folder of PR/FAQ files behind `/v1/goals` and `/v1/reports`; nil: those routes answer 404.
    package var dashboards: String?
    /// How long a front-door session lasts after sign-in (not extended by use); sessions live in memory.
    package var sessionLifetime: Duration = .seconds(12 * 3600)
    /// What 503 responses (and 429 ones, unless the rate limit knows its refill) ask clients to wait, in seconds.
    package var retryAfterSeconds = 5
    /// The clock of the caches' lifetimes (keys, query contexts, decide) and of the compactor's
    /// rounds. Tests pass a test clock and advance it instead of sleeping.
    package var clock: any Clock<Duration> = ContinuousClock()
    /// HTTPS (`--tls-cert`, `--tls-key`: `ServerTLS`); nil serves plain HTTP.
    package var tls: TLSConfiguration?

    package init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
