import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TestSupport
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer
import UpliftStorage

/// PostgreSQL stops for a few seconds under a running server (the application `uplift serve`
/// builds, its catalog pool a service of it): what needs the catalog answers 503 with Retry-After
/// while it is down, health still answers, the same server answers again once PostgreSQL is back,
/// and every event acknowledged before, during and after is counted by a query at the end.
///
/// Runs against the outage cluster of Tests/postgres.sh (its own, so that the other PostgreSQL
/// tests running at the same time keep theirs); skipped without it.
struct CatalogOutageTests {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["UPLIFT_TEST_POSTGRES_OUTAGE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let control = environment["UPLIFT_TEST_POSTGRES_OUTAGE_CTL"].flatMap { $0.isEmpty ? nil : $0 }
    static let secret = try! CatalogSecret(text: String(repeating: "outage-test-pepper-", count: 2))

    @Test(
        .enabled(
            if: url != nil && control != nil, "needs Tests/postgres.sh run (UPLIFT_TEST_POSTGRES_OUTAGE_URL, _CTL)"))
    func aStoppedCatalogIs503AndTheSameServerRecovers() async throws {
        let base = try #require(Self.url)
        let control = try #require(Self.control)
        // A fresh database of its own on the outage cluster.
        let database = "outage_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let admin = try CatalogURL(parsing: base)
        try await Catalog.execute("CREATE DATABASE \(database)", at: admin)
        guard case .postgres(var location) = admin else { return }
        location.database = String(database)
        let configuration = CatalogConfiguration(url: .postgres(location), secret: Self.secret)
        let stopped = Flag()
        do {
            try await withTemporaryDirectory(prefix: "uplift-outage") { dir in
                let data = dir.appendingPathComponent("data").path
                try await run(configuration, data: data, stopped: stopped, control: control)
            }
        } catch {
            // Leave the cluster running for whoever comes next, even when the test failed.
            if stopped.isSet { _ = try? await pgCtl(control, "start") }
            throw error
        }
        try? await Catalog.execute("DROP DATABASE \(database)", at: admin)
    }

    private func run(_ configuration: CatalogConfiguration, data: String, stopped: Flag, control: String) async throws {
        let alpha = try ProjectSlug("alpha")
        let beta = try ProjectSlug("beta")
        let (writeKey, readKey, betaWriteKey) = try await Catalog.withOpen(configuration) { catalog in
            _ = try await catalog.createProject(alpha)
            _ = try await catalog.createProject(beta)
            return (
                try await catalog.createKey(project: alpha, kind: .write).token,
                try await catalog.createKey(project: alpha, kind: .read).token,
                try await catalog.createKey(project: beta, kind: .write).token
            )
        }

        // PostgresNIO reports every failed connection attempt at info: not wanted in the test output.
        var catalogLogger = Logger(label: "uplift.catalog")
        catalogLogger.logLevel = .warning
        let catalog = try await Catalog.open(configuration, logger: catalogLogger)
        let store = try await EventStore.open(StoreConfiguration(dataDirectory: data))
        var server = ServerConfiguration()
        // Every query reads the catalog again (the default remembers it for a second).
        server.queryContextTTL = .milliseconds(1)
        var logger = Logger(label: "uplift.server.test")
        logger.logLevel = .critical
        let app = UpliftApplication.build(
            configuration: server, store: store, catalog: catalog, metrics: ServerMetrics(), logger: logger)
        try await app.test(.live) { client in
            var acknowledged = Set<String>()
            var sequence = 0
            func ticks(_ count: Int) -> (body: String, ids: [String]) {
                let ids = (0..<count).map { _ in
                    sequence += 1
                    return "tick-\(sequence)"
                }
                let batch = ids.map {
                    [
                        "type": "track", "event": "tick", "userId": "u-\($0)", "messageId": $0,
                        "timestamp": "2026-03-02T10:00:00Z",
                    ]
                }
                return (json(["batch": batch]), ids)
            }
            let count = #"{"event":"tick","from":"2026-03-01","to":"2026-03-05"}"#

            // Before: ingestion, an identify, a query.
            let before = ticks(5)
            let first = try await client.post("/v1/batch", json: before.body, key: .basic(writeKey))
            #expect(first.status == .ok, "\(first.text)")
            acknowledged.formUnion(before.ids)
            let identify = json(["userId": "user-1", "anonymousId": "anon-1", "messageId": "identify-1"])
            #expect(try await client.post("/v1/identify", json: identify, key: .basic(writeKey)).status == .ok)
            #expect(try await client.post("/v1/query/trend", json: count, key: .bearer(readKey)).status == .ok)

            // Down.
            _ = try await pgCtl(control, "stop")
            stopped.set(true)
            let down = ContinuousClock.now
            // A key the server has never seen must be checked against the catalog.
            let unseen = ticks(1)
            let refused = try await client.post("/v1/batch", json: unseen.body, key: .basic(betaWriteKey))
            let firstAnswer = ContinuousClock.now - down
            #expect(refused.status == .serviceUnavailable, "\(refused.text)")
            #expect(refused.errorCode == "catalog_unavailable")
            #expect(refused.headers[.retryAfter] != nil)
            let link = json(["userId": "user-2", "anonymousId": "anon-2", "messageId": "identify-2"])
            let refusedLink = try await client.post("/v1/identify", json: link, key: .basic(writeKey))
            #expect(refusedLink.status == .serviceUnavailable, "\(refusedLink.text)")
            #expect(refusedLink.headers[.retryAfter] != nil)
            // The identify event itself was stored before the link failed (a retry is a duplicate).
            let query = try await client.post("/v1/query/trend", json: count, key: .bearer(readKey))
            #expect(query.status == .serviceUnavailable, "\(query.text)")
            #expect(try await client.get("/healthz").status == .ok)
            // A key checked before the outage may still be remembered: such events are accepted.
            let during = ticks(3)
            let duringAnswer = try await client.post("/v1/batch", json: during.body, key: .basic(writeKey))
            if duringAnswer.status == .ok { acknowledged.formUnion(during.ids) }
            let failedFast = ContinuousClock.now
            let again = try await client.post("/v1/query/trend", json: count, key: .bearer(readKey))
            let laterAnswer = ContinuousClock.now - failedFast
            #expect(again.status == .serviceUnavailable)
            // The first refusal waits out the connect timeout; once the outage is known, they do not
            // (bounds with room for a loaded machine or a sanitizer build: they tell a wait from a hang).
            #expect(firstAnswer < configuration.connectTimeout * 4, "\(firstAnswer)")
            #expect(laterAnswer < configuration.connectTimeout, "\(laterAnswer)")

            // Back: the same server answers again, within a bounded time.
            _ = try await pgCtl(control, "start")
            stopped.set(false)
            let up = ContinuousClock.now
            var recovered: Duration?
            while ContinuousClock.now - up < .seconds(90) {
                let retry = try await client.post("/v1/query/trend", json: count, key: .bearer(readKey))
                if retry.status == .ok {
                    recovered = ContinuousClock.now - up
                    break
                }
                #expect(retry.status == .serviceUnavailable, "\(retry.text)")
                try await Task.sleep(for: .milliseconds(100))
            }
            let recovery = try #require(recovered, "the server did not answer again within 90 s of PostgreSQL's start")
            let after = ticks(4)
            let afterAnswer = try await client.post("/v1/batch", json: after.body, key: .basic(betaWriteKey))
            #expect(afterAnswer.status == .ok, "\(afterAnswer.text)")
            let alphaAfter = ticks(2)
            #expect(try await client.post("/v1/batch", json: alphaAfter.body, key: .basic(writeKey)).status == .ok)
            acknowledged.formUnion(alphaAfter.ids)
            #expect(try await client.post("/v1/identify", json: link, key: .basic(writeKey)).status == .ok)

            // Nothing acknowledged is lost: alpha's ticks, counted by a query.
            let total = try await client.post("/v1/query/trend", json: count, key: .bearer(readKey))
            #expect(total.status == .ok, "\(total.text)")
            let counted = try total.decode(QueryResultTests.Trend.self).total
            #expect(Int(counted) == acknowledged.count, "counted \(counted), acknowledged \(acknowledged.count)")
            print(
                "catalog outage: first 503 after \(firstAnswer), a later 503 after \(laterAnswer), "
                    + "answered again \(recovery) after PostgreSQL started; events acknowledged during the outage: "
                    + "\(duringAnswer.status == .ok ? during.ids.count : 0), counted \(Int(counted)) of \(acknowledged.count)"
            )
        }
        await catalog.close()
    }

    /// Runs the cluster's stop/start script off the cooperative threads (pg_ctl waits for the server).
    private func pgCtl(_ control: String, _ command: String) async throws -> ProcessResult {
        let result: Result<ProcessResult, any Error> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    returning: Result { try runProcess(URL(fileURLWithPath: control), arguments: [command]) })
            }
        }
        let outcome = try result.get()
        #expect(outcome.exitCode == 0, "pg_ctl \(command): \(outcome.stderrText)")
        return outcome
    }
}
