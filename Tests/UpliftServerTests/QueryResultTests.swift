import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// Queries over events ingested through the same server: identify merges ids retroactively, and
/// events not yet flushed are counted. Needs the engines (their `compute` are stubs until the
/// engine branches merge; a stub traps, so these are disabled until then).
struct QueryResultTests {
    /// a1 signs up anonymously, is identified as u1, u1 pays; u2 signs up and never pays; u3 only browses.
    static let batch = json([
        "batch": [
            [
                "type": "track", "event": "signed_up", "anonymousId": "a1", "messageId": "m1",
                "timestamp": "2026-03-02T10:00:00Z",
                "properties": ["plan": "pro"],
            ],
            [
                "type": "identify", "anonymousId": "a1", "userId": "u1", "messageId": "m2",
                "timestamp": "2026-03-02T10:05:00Z",
            ],
            ["type": "track", "event": "paid", "userId": "u1", "messageId": "m3", "timestamp": "2026-03-03T10:00:00Z"],
            [
                "type": "track", "event": "signed_up", "userId": "u2", "messageId": "m4",
                "timestamp": "2026-03-04T09:00:00Z",
                "properties": ["plan": "free"],
            ],
            [
                "type": "track", "event": "browsed", "userId": "u3", "messageId": "m5",
                "timestamp": "2026-03-04T12:00:00Z",
            ],
        ] as [[String: Any]]
    ])

    struct Funnel: Decodable {
        struct Step: Decodable {
            var event: String
            var persons: Int
            var conversion_from_start: Double
            var median_seconds_to_convert: Double?
        }
        var steps: [Step]
    }

    struct Trend: Decodable {
        struct Point: Decodable {
            var date: String
            var value: Double
        }
        var series: [Point]
        var total: Double
    }

    @Test
    func funnelAndTrendCountPersonsMergedByIdentify() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let ingested = try await client.post("/v1/batch", json: Self.batch, key: .basic(fixture.writeKey))
                #expect(try ingested.acknowledgement.accepted == 5)
                let key = KeyStyle.bearer(fixture.readKey)

                let funnel = try await client.post(
                    "/v1/query/funnel",
                    json: #"{"steps":["signed_up","paid"],"from":"2026-03-01","to":"2026-03-08","window":"7d"}"#,
                    key: key)
                #expect(funnel.status == .ok, "\(funnel.text)")
                #expect(funnel.headers[.contentType]?.hasPrefix("application/json") == true)
                let f = try funnel.decode(Funnel.self)
                #expect(f.steps.map(\.persons) == [2, 1])
                #expect(f.steps.last?.conversion_from_start == 0.5)
                #expect(f.steps.last?.median_seconds_to_convert == 86_400)

                // An unknown step is no error: nobody reached it.
                let unknown = try await client.post(
                    "/v1/query/funnel",
                    json:
                        #"{"project":"alpha","steps":["signed_up","never_sent"],"from":"2026-03-01","to":"2026-03-08"}"#,
                    key: key)
                #expect(unknown.status == .ok, "\(unknown.text)")
                #expect(try unknown.decode(Funnel.self).steps.map(\.persons) == [2, 0])
                // … but the answer warns that the project never had it.
                #expect(unknown.text.hasSuffix(#","warnings":[{"code":"unknown_event","event":"never_sent"}]}"#))
                let misspelt = try await client.post(
                    "/v1/query/funnel", json: #"{"steps":["signedup","paid"],"from":"2026-03-01","to":"2026-03-08"}"#,
                    key: key)
                #expect(misspelt.status == .ok, "\(misspelt.text)")
                #expect(
                    misspelt.text.contains(
                        #""warnings":[{"code":"unknown_event","event":"signedup","did_you_mean":"signed_up"}]"#),
                    "\(misspelt.text)")
                #expect(!funnel.text.contains("warnings"), "a correct funnel has no warnings")
                // A misspelt property (in a filter, a breakdown or the context) warns the same way.
                let property = try await client.post(
                    "/v1/query/trend",
                    json:
                        #"{"event":"signed_up","event_where":["plann=pro","context.locale?"],"breakdown":"plan","from":"2026-03-01","to":"2026-03-08"}"#,
                    key: key)
                #expect(property.status == .ok, "\(property.text)")
                #expect(
                    property.text.hasSuffix(
                        #","warnings":[{"code":"unknown_property","property":"plann","did_you_mean":"plan"},"#
                            + #"{"code":"unknown_property","property":"context.locale"}]}"#),
                    "\(property.text)")

                let trend = try await client.post(
                    "/v1/query/trend",
                    json: #"{"event":"signed_up","measure":"persons","from":"2026-03-01","to":"2026-03-04"}"#, key: key)
                #expect(trend.status == .ok, "\(trend.text)")
                let t = try trend.decode(Trend.self)
                #expect(t.series.map(\.date) == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"])
                #expect(t.series.map(\.value) == [0, 1, 0, 1])
                #expect(t.total == 2)

                let adoption = try await client.post(
                    "/v1/query/adoption",
                    json: #"{"feature":"paid","window":"7d","from":"2026-03-04","to":"2026-03-05"}"#, key: key)
                #expect(adoption.status == .ok, "\(adoption.text)")
                #expect(adoption.text.contains(#""adopters":1,"active":3"#), "\(adoption.text)")
            }
        }
    }

    @Test
    func everyKindAnswersAnEmptyProject() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for kind in QueryRouteTests.kinds {
                    let response = try await client.post(
                        "/v1/query/\(kind)", json: QueryRouteTests.validBody(kind), key: .bearer(fixture.readKey))
                    #expect(response.status == .ok, "\(kind): \(response.text)")
                    #expect(response.headers[.cacheControl] == "no-store")
                }
            }
        }
    }
}
