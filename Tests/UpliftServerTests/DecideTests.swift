import Clocks
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftExperiments
import UpliftModel
import UpliftServer

/// `POST /v1/decide`: the write key (as ingestion), the same answer as the library's `Decider`,
/// stable across identify, and definitions followed within the cache's second.
struct DecideTests {
    static let experiment = json(
        [
            "key": "checkout-v2", "status": "running",
            "variants": [["key": "control", "weight": 0.5], ["key": "treatment", "weight": 0.5]],
            "metrics": [["id": "conversion", "kind": "proportion", "event": "purchase"]],
        ] as [String: Any])
    static let threeWay = json(
        [
            "key": "pricing", "status": "running",
            "variants": [["key": "a", "weight": 0.2], ["key": "b", "weight": 0.3], ["key": "c", "weight": 0.5]],
            "metrics": [["id": "paid", "kind": "proportion", "event": "paid"]],
        ] as [String: Any])
    static let draft = json(
        [
            "key": "later", "variants": [["key": "a", "weight": 0.5], ["key": "b", "weight": 0.5]],
            "metrics": [["id": "m", "kind": "proportion", "event": "e"]],
        ] as [String: Any])
    static let flag = json(["key": "new-nav", "enabled": true] as [String: Any])

    /// Saves definitions through the API (so they are what the server would store).
    static func define(_ client: any TestClientProtocol, _ fixture: ServerFixture) async throws {
        for (path, body) in [
            ("/v1/experiments", experiment), ("/v1/experiments", threeWay), ("/v1/experiments", draft),
            ("/v1/flags", flag),
        ] {
            let response = try await client.post(path, json: body, key: .bearer(fixture.readKey))
            #expect(response.status == .created, "\(response.text)")
        }
    }

    static func library() throws -> Decider {
        Decider(
            flags: [try FlagDefinition(json: try JSONValue(parsing: Array(flag.utf8)))],
            experiments: try [experiment, threeWay].map {
                try ExperimentDefinition(json: try JSONValue(parsing: Array($0.utf8)))
            })
    }

    @Test func answersAsTheLibraryDoes() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await Self.define(client, fixture)
                let decider = try Self.library()
                var seen: [String: Set<String>] = [:]
                for i in 0..<200 {
                    let body = json(
                        ["distinct_id": "anon-\(i)", "properties": ["country": i % 2 == 0 ? "FR" : "DE"]]
                            as [String: Any])
                    let response = try await client.post("/v1/decide", json: body, key: .basic(fixture.writeKey))
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(response.headers[.accessControlAllowOrigin] == "*")
                    let expected = decider.decide(
                        DecideInput(distinctID: "anon-\(i)", attributes: ["country": .string(i % 2 == 0 ? "FR" : "DE")])
                    )
                    #expect(try JSONValue(parsing: Array(response.text.utf8)) == expected.json, "anon-\(i)")
                    for (key, variant) in expected.experiments { seen[key, default: []].insert(variant) }
                    // The draft is never assigned.
                    #expect(expected.experiments["later"] == nil && !response.text.contains("later"))
                }
                // Both experiments really split (a constant answer would also "match" a broken library).
                #expect(seen["checkout-v2"] == ["control", "treatment"])
                #expect(seen["pricing"] == ["a", "b", "c"])
            }
        }
    }

    @Test func assignmentSurvivesIdentify() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await Self.define(client, fixture)
                for i in 0..<50 {
                    let before = try await client.post(
                        "/v1/decide", json: json(["distinct_id": "anon-\(i)"]), key: .bearer(fixture.writeKey))
                    let after = try await client.post(
                        "/v1/decide", json: json(["distinct_id": "user-\(i)", "anonymous_id": "anon-\(i)"]),
                        key: .bearer(fixture.writeKey))
                    let a = try JSONValue(parsing: Array(before.text.utf8))
                    let b = try JSONValue(parsing: Array(after.text.utf8))
                    #expect(a["experiments"] == b["experiments"], "anon-\(i)")
                    #expect(a["experiments"]?["checkout-v2"] != nil)
                }
            }
        }
    }

    @Test func keysAndBadBodies() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await Self.define(client, fixture)
                // The key in the body, as ingestion accepts it.
                let inBody = try await client.post(
                    "/v1/decide", json: json(["distinct_id": "d", "token": fixture.writeKey]), key: .none)
                #expect(inBody.status == .ok)
                for style in [
                    KeyStyle.none, .bearer(fixture.readKey), .bearer("upw_" + String(repeating: "x", count: 40)),
                ] {
                    let refused = try await client.post("/v1/decide", json: json(["distinct_id": "d"]), key: style)
                    #expect(refused.status == .unauthorized && refused.errorCode == "unauthorized")
                    #expect(refused.headers[.accessControlAllowOrigin] == "*")
                }
                let cases: [(String, String)] = [
                    ("{", "invalid_json"), ("[1]", "invalid_body"), ("{}", "invalid_body"),
                    (#"{"distinct_id":""}"#, "invalid_body"), (#"{"distinct_id":7}"#, "invalid_body"),
                    (#"{"distinct_id":"d","properties":[1]}"#, "invalid_body"),
                    (#"{"distinct_id":"d","anonymous_id":5}"#, "invalid_body"),
                ]
                for (body, code) in cases {
                    let response = try await client.post("/v1/decide", json: body, key: .basic(fixture.writeKey))
                    #expect(response.status == .badRequest && response.errorCode == code, "\(body): \(response.text)")
                }
                let missing = try await client.post("/v1/decide", json: "{}", key: .basic(fixture.writeKey))
                #expect(missing.text.contains("distinct_id"))
                // Another project's write key decides over that project's (empty) definitions.
                let beta = try await client.post(
                    "/v1/decide", json: json(["distinct_id": "d"]), key: .basic(fixture.betaWriteKey))
                #expect(
                    try JSONValue(parsing: Array(beta.text.utf8))
                        == .object([("flags", .object([])), ("experiments", .object([]))]))
            }
        }
    }

    @Test func aStoredDefinitionThatDoesNotParseIsLeftOut() async throws {
        try await ServerFixture.with { fixture in
            // Written by some other version: running, but not a definition this one reads.
            _ = try await fixture.catalog.saveExperiment(
                project: fixture.alpha, key: "alien", status: .running, definition: #"{"key":"alien","warp":9}"#)
            _ = try await fixture.catalog.saveFlag(
                project: fixture.alpha, key: "odd", enabled: true, definition: #"{"key":"odd","enabled":"maybe"}"#)
            try await fixture.serve { client in
                try await Self.define(client, fixture)
                let response = try await client.post(
                    "/v1/decide", json: json(["distinct_id": "u1"]), key: .basic(fixture.writeKey))
                #expect(response.status == .ok)
                let body = try JSONValue(parsing: Array(response.text.utf8))
                #expect(body["experiments"]?["checkout-v2"] != nil && body["experiments"]?["alien"] == nil)
                #expect(body["flags"]?["new-nav"] == .bool(true) && body["flags"]?["odd"] == nil)
            }
        }
    }

    @Test func stopsAndFlagSwitchesReachDecideWithinTheCacheTime() async throws {
        var configuration = ServerConfiguration()
        configuration.queryContextTTL = .milliseconds(50)
        let clock = TestClock()
        configuration.clock = clock
        try await ServerFixture.with { fixture in
            try await fixture.serve(configuration: configuration) { client in
                try await Self.define(client, fixture)
                let ask = { () async throws -> JSONValue in
                    try JSONValue(
                        parsing: Array(
                            try await client.post(
                                "/v1/decide", json: json(["distinct_id": "u1"]), key: .basic(fixture.writeKey)
                            ).text.utf8))
                }
                let before = try await ask()
                #expect(before["experiments"]?["checkout-v2"] != nil)
                #expect(before["flags"]?["new-nav"] == .bool(true))
                #expect(
                    try await client.post("/v1/experiments/checkout-v2/stop", json: "", key: .bearer(fixture.readKey))
                        .status == .ok)
                #expect(
                    try await client.post("/v1/flags/new-nav/disable", json: "", key: .bearer(fixture.readKey)).status
                        == .ok)
                // Within the cache time, decide still answers from the definitions it loaded.
                let cached = try await ask()
                #expect(cached["experiments"]?["checkout-v2"] != nil)
                #expect(cached["flags"]?["new-nav"] == .bool(true))
                await clock.advance(by: .milliseconds(120))
                let after = try await ask()
                #expect(after["experiments"]?["checkout-v2"] == nil)
                #expect(after["experiments"]?["pricing"] != nil)
                #expect(after["flags"]?["new-nav"] == nil)
            }
        }
    }
}
