import HTTPTypes
import Hummingbird
import UpliftCatalog
import UpliftModel
import UpliftStorage

/// `/healthz` (the process answers), `/readyz` (the log takes writes and the catalog answers),
/// `/metrics` (Prometheus text). No CORS: browsers have no business here.
struct HealthRoutes: Sendable {
    let store: EventStore
    let catalog: Catalog
    let metrics: ServerMetrics
    /// What a not-ready answer asks probes to wait, in seconds (the server's one configured wait).
    let retryAfter: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Self.json(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, _ in await readiness() }
        router.get("/metrics") { _, _ in
            let text = metrics.exposition(store: await store.status(), now: Timestamp.now())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
    }

    private func readiness() async -> Response {
        let status = await store.status()
        let log = status.closed ? "closed" : status.logFailing ? "failing" : status.logFull ? "full" : "ok"
        var catalogState = "ok"
        do { _ = try await catalog.schemaVersion() } catch { catalogState = "unreachable" }
        // A bucket that does not answer is reported but does not make the node unready: it still takes events
        // into its log (up to --max-wal-size, then the log is "full"), and every node shares the same bucket.
        let probe = await store.probeStorage()
        let storage = !probe.shared ? "local" : probe.problem == nil ? "ok" : "unreachable"
        let ready = log == "ok" && catalogState == "ok"
        var body = JSONWriter(capacity: 128)
        body.object {
            $0.member("status", ready ? "ready" : "not_ready")
            $0.member("checks") {
                $0.object {
                    $0.member("log", log)
                    $0.member("catalog", catalogState)
                    $0.member("storage", storage)
                }
            }
        }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if !ready { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: ready ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: body.buffer))
    }

    private static func json(_ status: HTTPResponse.Status, _ members: KeyValuePairs<String, String>) -> Response {
        var body = JSONWriter(capacity: 128)
        body.object { for (k, v) in members { $0.member(k, v) } }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: body.buffer))
    }
}
