import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// `/v1/experiments` and `/v1/flags`: who may touch definitions, and create / conflict / replace /
/// invalid / stop answered as documented.
struct ExperimentRouteTests {
    /// The issue's example definition, as written.
    static let yaml = """
        key: checkout-v2
        hypothesis: The one-page checkout raises purchases.
        variants:
          - key: control
            weight: 0.5
          - key: treatment
            weight: 0.5
        exposure:
          event: $exposure
        metrics:
          - id: conversion
            kind: proportion
            event: purchase
          - id: revenue
            kind: mean
            event: purchase
            property: amount
        method: frequentist
        """

    static let jsonDefinition = json(
        [
            "key": "search-ranking", "hypothesis": "Better ranking", "status": "running",
            "variants": [["key": "control", "weight": 0.5], ["key": "ranked", "weight": 0.5]],
            "metrics": [["id": "clicks", "kind": "mean", "event": "result_clicked"]],
        ] as [String: Any])

    static let yamlHeaders: HTTPFields = [.contentType: "application/yaml"]

    @Test func definitionsNeedTheReadKey() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                for style in [
                    KeyStyle.none, .bearer(fixture.writeKey), .basic(fixture.writeKey),
                    .bearer("upr_" + String(repeating: "x", count: 40)),
                ] {
                    let created = try await client.post("/v1/experiments", json: Self.jsonDefinition, key: style)
                    #expect(created.status == .unauthorized && created.errorCode == "unauthorized")
                    #expect(created.headers[.accessControlAllowOrigin] == nil)
                    for path in ["/v1/experiments", "/v1/experiments/search-ranking", "/v1/flags"] {
                        let listed = try await client.get(path, key: style)
                        #expect(listed.status == .unauthorized, "\(path)")
                    }
                    let stopped = try await client.post("/v1/experiments/search-ranking/stop", json: "", key: style)
                    #expect(stopped.status == .unauthorized)
                }
                #expect(try await fixture.catalog.experiments(project: fixture.alpha).isEmpty)
            }
        }
    }

    @Test func createFromYAMLThenConflictThenReplace() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                let created = try await client.post(
                    "/v1/experiments", json: Self.yaml, key: read, headers: Self.yamlHeaders)
                #expect(created.status == .created, "\(created.text)")
                #expect(created.headers[.location] == "/v1/experiments/checkout-v2")
                let body = try JSONValue(parsing: Array(created.text.utf8))
                #expect(body["key"] == .string("checkout-v2"))
                #expect(body["status"] == .string("draft"))
                #expect(body["method"] == .string("frequentist"))

                let again = try await client.post(
                    "/v1/experiments", json: Self.yaml, key: read, headers: Self.yamlHeaders)
                #expect(again.status == .conflict && again.errorCode == "already_exists")
                #expect(again.text.contains("replace=true"))

                let changed = Self.yaml.replacingOccurrences(of: "raises purchases", with: "raises revenue")
                let replaced = try await client.post(
                    "/v1/experiments?replace=true", json: changed, key: read, headers: Self.yamlHeaders)
                #expect(replaced.status == .ok)
                let shown = try await client.get("/v1/experiments/checkout-v2", key: read)
                #expect(shown.status == .ok)
                #expect(
                    try JSONValue(parsing: Array(shown.text.utf8))["hypothesis"]
                        == .string("The one-page checkout raises revenue."))
                // What the API stored is what the catalog holds.
                #expect(
                    try await fixture.catalog.experiment(project: fixture.alpha, key: "checkout-v2")?.definition
                        == shown.text)

                let fromJSON = try await client.post("/v1/experiments", json: Self.jsonDefinition, key: read)
                #expect(fromJSON.status == .created)
                let list = try await client.get("/v1/experiments", key: read)
                #expect(list.status == .ok)
                let items = try JSONValue(parsing: Array(list.text.utf8))["experiments"]
                guard case .array(let experiments)? = items else {
                    Issue.record("no list: \(list.text)")
                    return
                }
                #expect(experiments.map { $0["key"] } == [.string("checkout-v2"), .string("search-ranking")])
                #expect(experiments.map { $0["status"] } == [.string("draft"), .string("running")])
                #expect(experiments[0]["hypothesis"] == .string("The one-page checkout raises revenue."))
                if case .array(let variants)? = experiments[1]["variants"] {
                    #expect(variants.count == 2)
                } else {
                    Issue.record("no variants")
                }
                #expect(experiments[0]["updated_at"] != nil)
            }
        }
    }

    @Test(arguments: [
        ("no variants", #"{"key":"k","metrics":[{"id":"m","kind":"proportion","event":"e"}]}"#, "variants"),
        ("no metrics", #"{"key":"k","variants":[{"key":"a","weight":0.5},{"key":"b","weight":0.5}]}"#, "metrics"),
        (
            "typo",
            #"{"key":"k","hash_atribute":"id","variants":[{"key":"a","weight":0.5},{"key":"b","weight":0.5}],"metrics":[{"id":"m","kind":"proportion","event":"e"}]}"#,
            "hash_atribute"
        ),
        (
            "bad kind",
            #"{"key":"k","variants":[{"key":"a","weight":0.5},{"key":"b","weight":0.5}],"metrics":[{"id":"m","kind":"median","event":"e"}]}"#,
            "metrics[0].kind"
        ),
        (
            "bad method",
            #"{"key":"k","method":"magic","variants":[{"key":"a","weight":0.5},{"key":"b","weight":0.5}],"metrics":[{"id":"m","kind":"proportion","event":"e"}]}"#,
            "method"
        ),
    ])
    func invalidDefinitionsNameTheField(_ name: String, _ body: String, _ field: String) async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let response = try await client.post("/v1/experiments", json: body, key: .bearer(fixture.readKey))
                #expect(response.status == .badRequest, "\(name)")
                let error = try response.decode(ErrorDocument.self).error
                #expect(error.code == "invalid_definition", "\(name)")
                #expect(error.message.contains(field), "\(name): \(error.message)")
            }
        }
    }

    @Test func badBodiesAndUnknownKeys() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                #expect(try await client.post("/v1/experiments", json: "{", key: read).errorCode == "invalid_json")
                #expect(
                    try await client.post("/v1/experiments", json: "key: [", key: read, headers: Self.yamlHeaders)
                        .errorCode == "invalid_definition")
                #expect(
                    try await client.post("/v1/experiments?replace=maybe", json: Self.jsonDefinition, key: read)
                        .errorCode == "invalid_query")
                let big = try await client.post(
                    "/v1/experiments", json: String(repeating: " ", count: (1 << 20) + 1), key: read)
                #expect(big.status == .contentTooLarge)
                let missing = try await client.get("/v1/experiments/nope", key: read)
                #expect(missing.status == .notFound && missing.errorCode == "not_found")
                #expect(try await client.post("/v1/experiments/nope/stop", json: "", key: read).status == .notFound)
                #expect(try await client.get("/v1/flags/nope", key: read).status == .notFound)
                // Another project's read key sees nothing of alpha's.
                let beta = try await fixture.catalog.createKey(project: fixture.beta, kind: .read).token
                _ = try await client.post("/v1/experiments", json: Self.jsonDefinition, key: read)
                #expect(try await client.get("/v1/experiments/search-ranking", key: .bearer(beta)).status == .notFound)
            }
        }
    }

    @Test func stopAndShip() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                _ = try await client.post("/v1/experiments", json: Self.yaml, key: read, headers: Self.yamlHeaders)
                let started = try await client.post("/v1/experiments/checkout-v2/start", json: "", key: read)
                #expect(started.status == .ok)
                #expect(try JSONValue(parsing: Array(started.text.utf8))["status"] == .string("running"))
                #expect(
                    try await fixture.catalog.experiment(project: fixture.alpha, key: "checkout-v2")?.status == .running
                )

                let wrong = try await client.post(
                    "/v1/experiments/checkout-v2/stop", json: #"{"ship":"purple"}"#, key: read)
                #expect(wrong.status == .badRequest && wrong.errorCode == "invalid_variant")
                #expect(wrong.text.contains("control, treatment"))
                #expect(
                    try await client.post("/v1/experiments/checkout-v2/stop", json: #"{"shipp":"control"}"#, key: read)
                        .errorCode == "invalid_body")
                #expect(
                    try await fixture.catalog.experiment(project: fixture.alpha, key: "checkout-v2")?.status == .running
                )

                let shipped = try await client.post(
                    "/v1/experiments/checkout-v2/stop", json: #"{"ship":"treatment"}"#, key: read)
                #expect(shipped.status == .ok)
                let body = try JSONValue(parsing: Array(shipped.text.utf8))
                #expect(body["status"] == .string("shipped") && body["shipped_variant"] == .string("treatment"))
                let list = try JSONValue(parsing: Array(try await client.get("/v1/experiments", key: read).text.utf8))
                if case .array(let items)? = list["experiments"] {
                    #expect(items.first?["shipped_variant"] == .string("treatment"))
                }

                let stopped = try await client.post("/v1/experiments/checkout-v2/stop", json: "", key: read)
                #expect(stopped.status == .ok)
                #expect(
                    try await fixture.catalog.experiment(project: fixture.alpha, key: "checkout-v2")?.status == .stopped
                )
            }
        }
    }
}

struct FlagRouteTests {
    @Test func createListShowSwitch() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                let yaml = "key: new-nav\ndescription: The new navigation\nenabled: true\n"
                let created = try await client.post(
                    "/v1/flags", json: yaml, key: read, headers: [.contentType: "application/yaml"])
                #expect(created.status == .created, "\(created.text)")
                #expect(created.headers[.location] == "/v1/flags/new-nav")
                #expect(
                    try await client.post("/v1/flags", json: #"{"key":"new-nav"}"#, key: read).errorCode
                        == "already_exists")
                #expect(
                    try await client.post(
                        "/v1/flags?replace=true", json: #"{"key":"new-nav","description":"Nav","enabled":true}"#,
                        key: read
                    ).status == .ok)
                let bad = try await client.post("/v1/flags", json: #"{"key":"x","enabeld":true}"#, key: read)
                #expect(bad.errorCode == "invalid_definition" && bad.text.contains("enabeld"))

                let list = try JSONValue(parsing: Array(try await client.get("/v1/flags", key: read).text.utf8))
                guard case .array(let flags)? = list["flags"] else {
                    Issue.record("no flags")
                    return
                }
                #expect(flags.map { $0["key"] } == [.string("new-nav")])
                #expect(flags.first?["description"] == .string("Nav") && flags.first?["enabled"] == .bool(true))

                let off = try await client.post("/v1/flags/new-nav/disable", json: "", key: read)
                #expect(off.status == .ok)
                #expect(try JSONValue(parsing: Array(off.text.utf8))["enabled"] == .bool(false))
                #expect(try await fixture.catalog.flag(project: fixture.alpha, key: "new-nav")?.enabled == false)
                let shown = try await client.get("/v1/flags/new-nav", key: read)
                #expect(try JSONValue(parsing: Array(shown.text.utf8))["enabled"] == .bool(false))
                #expect(try await client.post("/v1/flags/new-nav/enable", json: "", key: read).status == .ok)
                #expect(try await fixture.catalog.flag(project: fixture.alpha, key: "new-nav")?.enabled == true)
                #expect(try await client.post("/v1/flags/nope/enable", json: "", key: read).status == .notFound)
            }
        }
    }
}

extension TestClientProtocol {
    func get(_ path: String, key: KeyStyle) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        switch key {
        case .basic(let token): headers[.authorization] = "Basic " + Data((token + ":").utf8).base64EncodedString()
        case .bearer(let token): headers[.authorization] = "Bearer " + token
        case .none: break
        }
        return try await executeRequest(uri: path, method: .get, headers: headers, body: nil)
    }
}
