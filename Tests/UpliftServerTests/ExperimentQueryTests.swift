import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// `POST /v1/query/experiment`: an experiment stored through `/v1/experiments` (or given inline)
/// analysed over events ingested through the same server, with the same errors as the other queries.
struct ExperimentQueryTests {
    /// Four persons see the checkout: c1, c2 in control, t1, t2 in treatment; both treatment persons and one
    /// control person buy after their exposure; c2 bought only before it (not counted); m1 saw both variants.
    static let batch: String = {
        var messages: [[String: Any]] = []
        func add(_ event: String, _ user: String, _ time: String, _ properties: [String: Any] = [:]) {
            messages.append([
                "type": "track", "event": event, "userId": user, "messageId": "m\(messages.count)",
                "timestamp": time, "properties": properties,
            ])
        }
        func expose(_ user: String, _ variant: String, _ time: String) {
            add("$exposure", user, time, ["experiment": "checkout-v2", "variant": variant])
        }
        add("purchase", "c2", "2026-03-01T09:00:00Z", ["amount": 50])
        expose("c1", "control", "2026-03-02T10:00:00Z")
        expose("c2", "control", "2026-03-02T11:00:00Z")
        expose("t1", "treatment", "2026-03-02T10:00:00Z")
        expose("t2", "treatment", "2026-03-03T10:00:00Z")
        expose("m1", "control", "2026-03-02T10:00:00Z")
        expose("m1", "treatment", "2026-03-02T12:00:00Z")
        add("purchase", "c1", "2026-03-02T10:30:00Z", ["amount": 10])
        add("purchase", "t1", "2026-03-02T10:30:00Z", ["amount": 20])
        add("purchase", "t2", "2026-03-03T11:00:00Z", ["amount": 30])
        add("purchase", "m1", "2026-03-03T11:00:00Z", ["amount": 99])
        return json(["batch": messages])
    }()

    static let definition = ExperimentRouteTests.yaml + "\nstatus: running\nstart: 2026-03-01\n"

    struct Result: Decodable {
        struct Exposures: Decodable {
            struct Variant: Decodable {
                var key: String
                var persons: Int
            }
            var variants: [Variant]
            var multiple_exposures: Int
        }
        struct Metric: Decodable {
            struct Line: Decodable {
                var key: String
                var n: Int
                var mean: Double?
                var relative_lift: Double?
            }
            var id: String
            var variants: [Line]
        }
        struct Decision: Decodable {
            var recommendation: String
            var summary: String
        }
        var experiment: String
        var exposures: Exposures
        var metrics: [Metric]
        var decision: Decision
    }

    @Test func storedAndInlineDefinitionsAreAnalysed() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                #expect(
                    try await client.post("/v1/batch", json: Self.batch, key: .basic(fixture.writeKey)).acknowledgement
                        .accepted == 11)
                let read = KeyStyle.bearer(fixture.readKey)
                let created = try await client.post(
                    "/v1/experiments", json: Self.definition, key: read, headers: ExperimentRouteTests.yamlHeaders)
                #expect(created.status == .created, "\(created.text)")

                let stored = try await client.post(
                    "/v1/query/experiment", json: #"{"experiment":"checkout-v2","to":"2026-03-08"}"#, key: read)
                #expect(stored.status == .ok, "\(stored.text)")
                let r = try stored.decode(Result.self)
                #expect(r.experiment == "checkout-v2")
                #expect(r.exposures.variants.map(\.persons) == [2, 2])
                #expect(r.exposures.multiple_exposures == 1)
                let conversion = try #require(r.metrics.first { $0.id == "conversion" })
                #expect(conversion.variants.map(\.n) == [2, 2])
                #expect(conversion.variants.map(\.mean) == [0.5, 1.0])
                let revenue = try #require(r.metrics.first { $0.id == "revenue" })
                #expect(revenue.variants.map(\.mean) == [5, 25])
                #expect(["ship", "keep_running", "stop", "investigate"].contains(r.decision.recommendation))
                #expect(!r.decision.summary.isEmpty)

                // The same definition inline gives the same document.
                let definition = try #require(
                    try await client.get("/v1/experiments/checkout-v2", key: read).text.data(using: .utf8))
                let object = try #require(try JSONSerialization.jsonObject(with: definition) as? [String: Any])
                let inline = try await client.post(
                    "/v1/query/experiment",
                    json: json(["definition": object["definition"] ?? object, "to": "2026-03-08"]), key: read)
                #expect(inline.status == .ok, "\(inline.text)")
                #expect(
                    try inline.decode(Result.self).metrics.map { $0.variants.map(\.mean) }
                        == r.metrics.map { $0.variants.map(\.mean) })

                // Shipped (the catalog records the variant in the definition): still analysable.
                let shipped = try await client.post(
                    "/v1/experiments/checkout-v2/stop", json: #"{"ship":"treatment"}"#, key: read)
                #expect(shipped.status == .ok, "\(shipped.text)")
                let after = try await client.post(
                    "/v1/query/experiment", json: #"{"experiment":"checkout-v2","to":"2026-03-08"}"#, key: read)
                #expect(after.status == .ok, "\(after.text)")
            }
        }
    }

    @Test func refusalsNameTheProblem() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                let unknown = try await client.post(
                    "/v1/query/experiment", json: #"{"experiment":"nope","from":"2026-03-01"}"#, key: read)
                #expect(unknown.status == .notFound, "\(unknown.text)")
                #expect(unknown.text.contains("nope"))

                let cases: [(String, String)] = [
                    (#"{"from":"2026-03-01"}"#, "experiment"),
                    (#"{"experiment":"a","definition":{},"from":"2026-03-01"}"#, "not both"),
                    (#"{"experiment":"a","from":"2026-03-01","colour":"red"}"#, "colour"),
                    (#"{"experiment":"a","from":"2026-03-01","correction":"magic"}"#, "correction"),
                    (#"{"definition":{"key":"x"},"from":"2026-03-01"}"#, "variants"),
                ]
                for (body, says) in cases {
                    let response = try await client.post("/v1/query/experiment", json: body, key: read)
                    #expect(response.status == .badRequest, "\(body): \(response.text)")
                    #expect(response.text.contains(says), "\(body): \(response.text)")
                }
                let writeKey = try await client.post(
                    "/v1/query/experiment", json: #"{"experiment":"a"}"#, key: .bearer(fixture.writeKey))
                #expect(writeKey.status == .unauthorized)
                let other = try await client.post(
                    "/v1/query/experiment", json: #"{"project":"beta","experiment":"a"}"#, key: read)
                #expect(other.status == .forbidden, "\(other.text)")
            }
        }
    }
}
