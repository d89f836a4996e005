import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftServer

/// CORS on ingestion only, the health and readiness probes, and the Prometheus exposition.
struct OperationsTests {
    static let ingestionPaths = [
        "/v1/track", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group", "/v1/alias", "/v1/batch",
        "/capture", "/batch", "/e", "/i/v0/e", "/v1/feedback",
    ]

    @Test func ingestionResponsesAreOpenToEveryOrigin() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for path in Self.ingestionPaths {
                    for variant in [path, path + "/"] {
                        let preflight = try await client.executeRequest(
                            uri: variant, method: .options,
                            headers: [.origin: "https://app.example", .accessControlRequestMethod: "POST"], body: nil)
                        #expect(preflight.status == .noContent, "\(variant)")
                        #expect(preflight.headers[.accessControlAllowOrigin] == "*", "\(variant)")
                        #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
                        #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Content-Encoding") == true)
                    }
                }
                // Success and every kind of refusal carry the header, so a browser can read them.
                let ok = try await client.post(
                    "/v1/track", json: json(["type": "track", "event": "e", "userId": "u"]),
                    key: .basic(fixture.writeKey))
                let unauthorized = try await client.post("/v1/track", json: "{}", key: .none)
                let invalid = try await client.post("/capture", json: "{", key: .basic(fixture.writeKey))
                let unsupported = try await client.post(
                    "/e", json: "{}", key: .basic(fixture.writeKey), headers: [.contentEncoding: "br"])
                for (response, status) in [
                    (ok, HTTPResponse.Status.ok), (unauthorized, .unauthorized), (invalid, .badRequest),
                    (unsupported, .unsupportedMediaType),
                ] {
                    #expect(response.status == status)
                    #expect(response.headers[.accessControlAllowOrigin] == "*", "\(status)")
                }
            }
        }
    }

    @Test func operationsRoutesSendNoCORSHeaders() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for path in ["/healthz", "/readyz", "/metrics"] {
                    let response = try await client.executeRequest(
                        uri: path, method: .get, headers: [.origin: "https://evil.example"], body: nil)
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.accessControlAllowOrigin] == nil, "\(path)")
                }
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let health = try await client.get("/healthz")
                #expect(health.status == .ok)
                #expect(health.text == #"{"status":"ok"}"#)
                let ready = try await client.get("/readyz")
                #expect(ready.status == .ok)
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(ready.text.utf8)) as? [String: Any])
                #expect(document["status"] as? String == "ready")
                let checks = try #require(document["checks"] as? [String: String])
                #expect(checks == ["log": "ok", "catalog": "ok", "storage": "local"])
            }
        }
    }

    @Test func metricsCountRequestsAndEvents() async throws {
        try await ServerFixture.with { fixture in
            let metrics = ServerMetrics(node: "eu-node-2")
            let text = try await fixture.serve(metrics: metrics) { client in
                let batch = json([
                    "batch": [
                        ["type": "track", "event": "a", "userId": "u", "messageId": "m-1"],
                        ["type": "track", "event": "b", "userId": "u", "messageId": "m-2"],
                        [
                            "type": "track", "event": "c", "userId": "u", "messageId": "m-3",
                            "timestamp": isoTime(3 * 86_400),
                        ],
                        ["type": "track", "userId": "u", "messageId": "m-4"],
                    ]
                ])
                #expect(try await client.post("/v1/batch", json: batch, key: .basic(fixture.writeKey)).status == .ok)
                #expect(try await client.post("/v1/batch", json: batch, key: .basic(fixture.writeKey)).status == .ok)
                #expect(try await client.post("/v1/track", json: "{}", key: .none).status == .unauthorized)
                #expect(try await client.get("/nowhere").status == .notFound)
                #expect(try await client.get("/elsewhere/\(UUID().uuidString)").status == .notFound)
                let response = try await client.get("/metrics")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return response.text
            }
            let samples = Self.samples(text)
            for name in [
                "uplift_http_requests_total", "uplift_http_request_duration_seconds_bucket",
                "uplift_ingest_events_accepted_total",
                "uplift_ingest_events_duplicate_total", "uplift_ingest_events_clamped_total",
                "uplift_ingest_events_rejected_total",
                "uplift_wal_fsync_duration_seconds_bucket", "uplift_wal_bytes", "uplift_store_pending_events",
                "uplift_store_flush_lag_seconds",
            ] {
                #expect(samples.keys.contains { $0 == name || $0.hasPrefix(name + "{") }, "\(name) missing")
            }
            #expect(samples["uplift_ingest_events_accepted_total"] == 3)
            #expect(samples["uplift_ingest_events_duplicate_total"] == 3)
            // Counted per request: the resent batch is decoded (and clamped, and refused) again.
            #expect(samples["uplift_ingest_events_clamped_total"] == 2)
            #expect(samples[#"uplift_ingest_events_rejected_total{reason="missing_event_name"}"#] == 2)
            #expect(samples[#"uplift_http_requests_total{route="/v1/batch",status="200"}"#] == 2)
            #expect(samples[#"uplift_http_requests_total{route="/v1/track",status="401"}"#] == 1)
            // Unknown paths share one label (Hummingbird's `NotFound`): scanning URLs cannot grow the metrics.
            let notFound = samples.filter {
                $0.key.hasPrefix("uplift_http_requests_total{") && $0.key.hasSuffix(#"status="404"}"#)
            }
            #expect(notFound.count == 1)
            #expect(notFound.values.first == 2)
            #expect(!text.contains("nowhere") && !text.contains("elsewhere"))
            #expect(samples[#"uplift_http_request_duration_seconds_count{route="/v1/batch"}"#] == 2)
            #expect((samples["uplift_wal_fsync_duration_seconds_count"] ?? 0) >= 1)
            #expect(samples["uplift_store_pending_events"] == 3)
            #expect((samples["uplift_wal_bytes"] ?? 0) > 0)
            #expect(samples[#"uplift_node_info{node="eu-node-2"}"#] == 1)
        }
    }

    /// `name{labels} value` lines of a Prometheus exposition, by their name-and-labels text.
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            result[String(line[..<space])] = value
        }
        return result
    }
}
