import Clocks
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import UpliftExperiments
import UpliftModel
import UpliftServer

/// PostHog's `/flags` and `/decide` and GrowthBook's `/api/features/{key}`: the write key as PostHog's project
/// API key and GrowthBook's client key, `Decider`'s answers in each shape the SDKs read, Uplift's errors.
/// (The official SDKs against a running server: Tests/integration/test_sdk_flags.py.)
struct SDKFlagRouteTests {
    static func value(_ record: JSONValue) -> JSONValue {
        if case .string(let variant)? = record["variant"] { return .string(variant) }
        return record["enabled"] ?? .null
    }

    @Test func postHogFlagsAnswerAsTheLibrary() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await DecideTests.define(client, fixture)
                let decider = try DecideTests.library()
                for i in 0..<100 {
                    let body = json(
                        ["api_key": fixture.writeKey, "distinct_id": "anon-\(i)", "person_properties": ["plan": "pro"]]
                            as [String: Any])
                    let response = try await client.post("/flags/?v=4", json: body, key: .none)
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(response.headers[.accessControlAllowOrigin] == "*")
                    let document = try JSONValue(parsing: Array(response.text.utf8))
                    guard case .object(let records)? = document["flags"] else {
                        Issue.record("no flags: \(response.text)")
                        return
                    }
                    let expected = decider.decide(
                        DecideInput(distinctID: "anon-\(i)", attributes: ["plan": .string("pro")]))
                    var want = expected.flags
                    for (key, variant) in expected.experiments { want[key] = .string(variant) }
                    #expect(Dictionary(uniqueKeysWithValues: records.map { ($0.0, Self.value($0.1)) }) == want)
                    #expect(
                        records.allSatisfy { $0.1["key"] == .string($0.0) && $0.1["metadata"]?["id"] == .number("0") })
                    #expect(document["errorsWhileComputingFlags"] == .bool(false) && document["hasFeatureFlags"] == nil)
                }
            }
        }
    }

    @Test func eachVersionHasPostHogsShape() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await DecideTests.define(client, fixture)
                let decider = try DecideTests.library()
                let result = decider.decide(DecideInput(distinctID: "user-9"))
                var all = result.flags
                for (key, variant) in result.experiments { all[key] = .string(variant) }
                let on = all.filter { $0.value != .bool(false) }
                let body = json(["token": fixture.writeKey, "distinct_id": "user-9"] as [String: Any])
                func post(_ path: String) async throws -> JSONValue {
                    let response = try await client.post(path, json: body, key: .none)
                    #expect(response.status == .ok, "\(path): \(response.text)")
                    return try JSONValue(parsing: Array(response.text.utf8))
                }
                func map(_ value: JSONValue?) -> [String: JSONValue] {
                    guard case .object(let members)? = value else { return [:] }
                    return Dictionary(uniqueKeysWithValues: members)
                }
                #expect(map(try await post("/flags?v=1")["featureFlags"]) == all)
                #expect(map(try await post("/decide/?v=3")["featureFlags"]) == all)
                #expect(map(try await post("/decide/?v=2")["featureFlags"]) == on)
                let v1 = try await post("/decide/")
                #expect(v1["featureFlags"] == .array(on.keys.sorted().map(JSONValue.string)))
                #expect(v1["supportedCompression"] != nil && v1["sessionRecording"] == .bool(false))
                #expect(map(try await post("/decide?v=4")["flags"]).mapValues(Self.value) == all)
                // Neither `v` nor `config`: the latest shape with the config, as PostHog defaults.
                let latest = try await post("/flags")
                #expect(map(latest["flags"]).mapValues(Self.value) == all && latest["hasFeatureFlags"] == .bool(true))
            }
        }
    }

    @Test func posthogJSFormAndAnonymousID() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                try await DecideTests.define(client, fixture)
                let decider = try DecideTests.library()
                // After identify posthog-js sends the new id and the anonymous one: the answer is the anonymous one's.
                let request = json(
                    ["token": fixture.writeKey, "distinct_id": "user-1", "$anon_distinct_id": "anon-1"] as [String: Any]
                )
                let encoded =
                    Data(request.utf8).base64EncodedString()
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await client.post(
                    "/flags/?v=2&config=true&compression=base64", Array("data=\(encoded)".utf8), key: .none,
                    headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(response.status == .ok, "\(response.text)")
                let document = try JSONValue(parsing: Array(response.text.utf8))
                let expected = decider.decide(DecideInput(distinctID: "user-1", anonymousID: "anon-1"))
                for (key, variant) in expected.experiments {
                    #expect(document["flags"]?[key]?["variant"] == .string(variant), "\(key)")
                }
                #expect(document["hasFeatureFlags"] == .bool(true))
                let broken = try await client.post("/flags/", Array("data=%%%".utf8), key: .none)
                #expect(broken.status == .badRequest && broken.errorCode == "invalid_body")
            }
        }
    }

    @Test func postHogErrorsAreUpliftErrors() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let cases: [(String, KeyStyle, HTTPResponse.Status, String)] = [
                    (json(["distinct_id": "u"] as [String: Any]), .none, .unauthorized, "unauthorized"),
                    (
                        json(["api_key": fixture.readKey, "distinct_id": "u"] as [String: Any]), .none, .unauthorized,
                        "unauthorized"
                    ),
                    (
                        json(["distinct_id": "u"] as [String: Any]), .basic(fixture.readKey), .unauthorized,
                        "unauthorized"
                    ),
                    (json(["api_key": fixture.writeKey] as [String: Any]), .none, .badRequest, "invalid_body"),
                    (
                        json(
                            ["api_key": fixture.writeKey, "distinct_id": "u", "person_properties": "x"] as [String: Any]
                        ),
                        .none, .badRequest, "invalid_body"
                    ),
                    (
                        json(
                            ["api_key": fixture.writeKey, "distinct_id": "u", "flag_keys_to_evaluate": [1]]
                                as [String: Any]),
                        .none, .badRequest, "invalid_body"
                    ),
                    ("[1]", .basic(fixture.writeKey), .badRequest, "invalid_body"),
                    ("{", .basic(fixture.writeKey), .badRequest, "invalid_json"),
                ]
                for (body, key, status, code) in cases {
                    for path in ["/flags/?v=2", "/decide/"] {
                        let response = try await client.post(path, json: body, key: key)
                        #expect(
                            response.status == status && response.errorCode == code, "\(path) \(body): \(response.text)"
                        )
                        #expect(!response.text.contains(fixture.readKey) && !response.text.contains(fixture.writeKey))
                    }
                }
                let preflight = try await client.executeRequest(
                    uri: "/flags/", method: .options, headers: [:], body: nil)
                #expect(preflight.status == .noContent && preflight.headers[.accessControlAllowOrigin] == "*")
            }
        }
    }

    @Test func growthBookPayloadWithETag() async throws {
        var configuration = ServerConfiguration()
        configuration.queryContextTTL = .milliseconds(50)
        let clock = TestClock()
        configuration.clock = clock
        try await ServerFixture.with { fixture in
            try await fixture.serve(configuration: configuration) { client in
                try await DecideTests.define(client, fixture)
                let response = try await client.get("/api/features/\(fixture.writeKey)")
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                let document = try JSONValue(parsing: Array(response.text.utf8))
                #expect(document["status"] == .number("200") && document["experiments"] == .array([]))
                guard case .object(let features)? = document["features"] else {
                    Issue.record("no features: \(response.text)")
                    return
                }
                // The enabled flag and the running experiments; the draft is not served.
                #expect(features.map(\.0) == ["checkout-v2", "new-nav", "pricing"])
                #expect(
                    document["features"]?["pricing"]?["rules"]
                        == GrowthBookFeatures(try DecideTests.library())
                        .features.first { $0.0 == "pricing" }?.1["rules"])
                #expect(document["uplift"]?["omitted"] == .array([]))
                let etag = try #require(response.headers[.eTag])
                let again = try await client.executeRequest(
                    uri: "/api/features/\(fixture.writeKey)", method: .get, headers: [.ifNoneMatch: etag], body: nil)
                #expect(again.status == .notModified && again.headers[.eTag] == etag && again.body.readableBytes == 0)
                // A change is a new ETag.
                let disabled = try await client.post(
                    "/v1/flags/new-nav/disable", json: "", key: .bearer(fixture.readKey))
                #expect(disabled.status == .ok, "\(disabled.text)")
                await clock.advance(by: .milliseconds(120))  // past the decide cache's time
                let changed = try await client.executeRequest(
                    uri: "/api/features/\(fixture.writeKey)", method: .get, headers: [.ifNoneMatch: etag], body: nil)
                #expect(changed.status == .ok && !changed.text.contains("new-nav"))
                // PostHog leaves a disabled flag out too (its SDKs then answer None), as `/v1/decide` does.
                let flags = try await client.post(
                    "/flags/?v=2", json: json(["distinct_id": "u"] as [String: Any]), key: .basic(fixture.writeKey))
                #expect(flags.status == .ok && !flags.text.contains("new-nav") && flags.text.contains("pricing"))
                for key in [fixture.readKey, "upw_unknown"] {
                    let refused = try await client.get("/api/features/\(key)")
                    #expect(refused.status == .unauthorized && refused.errorCode == "unauthorized")
                    #expect(!refused.text.contains(key))
                }
                let broken = try await client.get("/api/features/%zz")
                #expect(broken.status == .badRequest && broken.errorCode == "invalid_path")
            }
        }
    }
}
