import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// `POST /v1/query/…`: who may query, and that bad queries are refused before any work, naming
/// the field. (Tests that need real results are in QueryResultTests.)
struct QueryRouteTests {
    static let kinds = ["funnel", "trend", "adoption", "retention", "lifecycle", "feedback"]

    /// A valid body per kind (what the engine would run).
    static func validBody(_ kind: String) -> String {
        let range: [String: Any] = ["from": "2026-03-01", "to": "2026-03-08"]
        let extra: [String: Any]
        switch kind {
        case "funnel": extra = ["steps": ["signed_up", "paid"]]
        case "adoption": extra = ["feature": "exported"]
        case "retention": extra = ["cohort_event": "signed_up"]
        default: extra = [:]
        }
        return json(range.merging(extra) { a, _ in a })
    }

    @Test func queriesNeedAReadKeyInTheHeader() async throws {
        try await ServerFixture.with { fixture in
            let revoked = try await fixture.catalog.createKey(project: fixture.alpha, kind: .read).token
            try await fixture.catalog.revokeKey(prefix: revoked)
            let cases: [(String, KeyStyle, String)] = [
                ("missing", .none, "read key"),
                ("write key", .bearer(fixture.writeKey), "read key"),
                ("write key as basic", .basic(fixture.writeKey), "read key"),
                ("unknown", .bearer("upr_" + String(repeating: "x", count: 40)), "not known"),
                ("revoked", .bearer(revoked), "revoked"),
            ]
            try await fixture.serve { client in
                for kind in Self.kinds {
                    for (name, style, says) in cases {
                        let response = try await client.post(
                            "/v1/query/\(kind)", json: Self.validBody(kind), key: style)
                        #expect(response.status == .unauthorized, "\(kind) \(name)")
                        let error = try response.decode(ErrorDocument.self).error
                        #expect(error.code == "unauthorized", "\(kind) \(name)")
                        #expect(error.message.contains(says), "\(kind) \(name): \(error.message)")
                        // A key never opens a query body to the browser.
                        #expect(response.headers[.accessControlAllowOrigin] == nil)
                    }
                }
            }
        }
    }

    @Test(arguments: [
        ("malformed window", #"{"steps":["a","b"],"from":"2026-03-01","to":"2026-03-08","window":"7x"}"#, "window"),
        ("from after to", #"{"steps":["a","b"],"from":"2026-03-08","to":"2026-03-01"}"#, "from must be before to"),
        (
            "from equals to", #"{"steps":["a","b"],"from":"2026-03-08T00:00Z","to":"2026-03-08T00:00Z"}"#,
            "from must be before to"
        ),
        (
            "21 steps", json(["from": "2026-03-01", "to": "2026-03-08", "steps": (1...21).map { "e\($0)" }]),
            "steps must list 2 to 20"
        ),
        ("one step", #"{"steps":["a"],"from":"2026-03-01","to":"2026-03-08"}"#, "steps"),
        (
            "unknown order", #"{"steps":["a","b"],"from":"2026-03-01","to":"2026-03-08","order":"sideways"}"#,
            "order must be one of"
        ),
        (
            "unknown field", #"{"steps":["a","b"],"from":"2026-03-01","to":"2026-03-08","windw":"7d"}"#,
            "windw is not a field"
        ),
        ("missing from", #"{"steps":["a","b"],"to":"2026-03-08"}"#, "from is required"),
        ("bad date", #"{"steps":["a","b"],"from":"2026-02-30","to":"2026-03-08"}"#, "from"),
        (
            "bad step",
            #"{"steps":["a",{"event":"b","where":[{"property":"plan","op":"like"}]}],"from":"2026-03-01","to":"2026-03-08"}"#,
            "steps[1].where[0].op"
        ),
        (
            "bad exclusion",
            #"{"steps":["a","b"],"exclude":[{"event":"x","from_step":2,"to_step":1}],"from":"2026-03-01","to":"2026-03-08"}"#,
            "exclude[0]"
        ),
        (
            "bad time zone", #"{"steps":["a","b"],"from":"2026-03-01","to":"2026-03-08","time_zone":"Mars/Olympus"}"#,
            "time_zone"
        ),
        ("not an object", #"["a","b"]"#, "must be a JSON object"),
    ])
    func badFunnelQueriesAre400NamingTheField(_ name: String, _ body: String, _ says: String) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let response = try await client.post("/v1/query/funnel", json: body, key: .bearer(fixture.readKey))
                #expect(response.status == .badRequest, "\(name): \(response.text)")
                let error = try response.decode(ErrorDocument.self).error
                #expect(error.code == "invalid_query", "\(name)")
                #expect(error.message.contains(says), "\(name): \(error.message)")
            }
        }
    }

    @Test func badMetricQueriesAre400NamingTheField() async throws {
        let cases: [(String, String, String)] = [
            ("trend", #"{"from":"2026-03-01","to":"2026-03-08","measure":"sum"}"#, "property is required"),
            ("trend", #"{"from":"2026-03-01","to":"2026-03-08","interval":"fortnight"}"#, "interval"),
            ("adoption", #"{"from":"2026-03-01","to":"2026-03-08"}"#, "feature is required"),
            ("adoption", #"{"feature":"x","from":"2026-03-01","to":"2026-03-08","window":"3h"}"#, "window"),
            ("retention", #"{"cohort_event":"x","from":"2026-03-01","to":"2026-03-08","periods":0}"#, "periods"),
            ("lifecycle", #"{"from":"2026-03-01","to":"2026-03-08","interval":"hour"}"#, "interval"),
            ("feedback", #"{"from":"2026-03-01","to":"2026-03-08","comments":1000}"#, "comments"),
            ("feedback", #"{"from":"2026-03-01","to":"2026-03-08","nps":true}"#, "nps is not a field"),
        ]
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for (kind, body, says) in cases {
                    let response = try await client.post("/v1/query/\(kind)", json: body, key: .bearer(fixture.readKey))
                    #expect(response.status == .badRequest, "\(kind) \(body): \(response.text)")
                    let error = try response.decode(ErrorDocument.self).error
                    #expect(error.code == "invalid_query")
                    #expect(error.message.contains(says), "\(kind) \(body): \(error.message)")
                }
            }
        }
    }

    @Test func bodiesThatAreNotJSONOrTooLargeAreRefused() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let key = KeyStyle.bearer(fixture.readKey)
                let broken = try await client.post("/v1/query/trend", json: #"{"from":"2026-03-01","#, key: key)
                #expect(broken.status == .badRequest)
                #expect(broken.errorCode == "invalid_json")
                let empty = try await client.post("/v1/query/trend", [], key: key)
                #expect(empty.status == .badRequest)
                #expect(empty.errorCode == "invalid_json")
                // 1 MB is the limit for a query body.
                let padding = String(repeating: " ", count: 1 << 20)
                let large = try await client.post(
                    "/v1/query/trend", json: #"{"from":"2026-03-01","to":"2026-03-08"}"# + padding, key: key)
                #expect(large.status == .contentTooLarge)
                #expect(large.errorCode == "body_too_large")
            }
        }
    }

    @Test func aQueryNamingAnotherProjectIs403() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for kind in Self.kinds {
                    var body = try #require(
                        JSONSerialization.jsonObject(with: Data(Self.validBody(kind).utf8)) as? [String: Any])
                    body["project"] = "beta"
                    let response = try await client.post(
                        "/v1/query/\(kind)", json: json(body), key: .bearer(fixture.readKey))
                    #expect(response.status == .forbidden, "\(kind): \(response.text)")
                    #expect(response.errorCode == "forbidden")
                }
                do {
                    let response = try await client.post(
                        "/v1/query/funnel",
                        json: #"{"project":"Not A Slug","steps":["a","b"],"from":"2026-03-01","to":"2026-03-08"}"#,
                        key: .bearer(fixture.readKey))
                    #expect(response.status == .badRequest)
                    #expect(try response.decode(ErrorDocument.self).error.message.hasPrefix("project"))
                }
            }
        }
    }

    @Test func queryRoutesAreOnlyPOST() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for kind in Self.kinds {
                    let response = try await client.get("/v1/query/\(kind)")
                    #expect(response.status == .notFound, "\(kind)")
                }
                let unknown = try await client.post("/v1/query/sankey", json: "{}", key: .bearer(fixture.readKey))
                #expect(unknown.status == .notFound)
            }
        }
    }
}
