/// How `uplift serve` listens and what it accepts. Filled from flags and environment at the edge.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest request body after decompression (DESIGN: 5 MB), enforced while inflating.
    public var maxBodyBytes = 5 * 1024 * 1024
    /// A client that has not sent its whole body within this time gets 408; other requests go on.
    public var bodyTimeout: Duration = .seconds(30)
    /// A connection with no traffic for this long is closed (stalled clients, idle keep-alives).
    public var idleTimeout: Duration = .seconds(60)
    /// Requests per second allowed per write key (bursts up to one second's worth); nil = no limit.
    public var rateLimit: Double?
    /// How long a key check is remembered: a revoked key stops working within this time.
    public var keyCacheTTL: Duration = .seconds(10)
    /// How often closed days' flushed segments are merged into sorted, compacted ones.
    public var compactionInterval: Duration = .seconds(60)
    /// Bytes of decoded segment columns the query engine keeps between queries (`--query-cache-memory`).
    public var queryCacheBytes = 3 << 30
    /// Largest query body (a query is small; 1 MB leaves room for long filter lists).
    public var maxQueryBodyBytes = 1 << 20
    /// Queries computing at once; more wait their turn (each one already uses every core).
    public var queryConcurrency = 2
    /// How long a project's person links and time zone are reused by queries: an identify shows in
    /// query results at most this long after it was acknowledged.
    public var queryContextTTL: Duration = .seconds(1)
    /// The folder of PR/FAQ files behind `/v1/goals` and `/v1/reports`; nil: those routes answer 404.
    public var dashboards: String?
    /// What 503 responses (and 429 ones, unless the rate limit knows its refill) ask clients to wait, in seconds.
    public var retryAfterSeconds = 5
    /// The clock of the caches' lifetimes (keys, query contexts, decide) and of the compactor's
    /// rounds. Tests pass a test clock and advance it instead of sleeping.
    public var clock: any Clock<Duration> = ContinuousClock()

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
