import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog

@testable import UpliftServer

/// Issue 21, item 11: path parameters are percent-decoded on every route that has one; a broken encoding is 400.
struct PathParameterTests {
    @Test(
        arguments: [
            ("feature%2Dx", "feature-x"), ("plain", "plain"), ("a%20b", "a b"), ("a+b", "a+b"),
            ("%C3%A9t%C3%A9", "été"),
            ("%2f", "/"), ("%", nil), ("%4", nil), ("%zz", nil), ("a%g1", nil), ("%C3", nil), ("%FF", nil),
        ] as [(String, String?)])
    func decoding(_ raw: String, _ expected: String?) {
        #expect(PathParameter.decode(raw.utf8) == expected, "\(raw)")
    }

    @Test func everyRouteWithAKeyDecodesIt() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let read = KeyStyle.bearer(fixture.readKey)
                #expect(
                    try await client.post("/v1/flags", json: #"{"key":"new-nav","enabled":true}"#, key: read).status
                        == .created)
                let yaml = ExperimentRouteTests.yaml
                #expect(
                    try await client.post(
                        "/v1/experiments", json: yaml, key: read, headers: ExperimentRouteTests.yamlHeaders
                    ).status == .created)
                #expect(try await client.get("/v1/flags/new%2Dnav", key: read).status == .ok)
                #expect(try await client.post("/v1/flags/new%2dnav/disable", json: "", key: read).status == .ok)
                #expect(try await fixture.catalog.flag(project: fixture.alpha, key: "new-nav")?.enabled == false)
                #expect(try await client.get("/v1/experiments/checkout%2Dv2", key: read).status == .ok)
                let started = try await client.post("/v1/experiments/%63heckout-v2/start", json: "", key: read)
                #expect(started.status == .ok)
                let experiment = try await fixture.catalog.experiment(project: fixture.alpha, key: "checkout-v2")
                #expect(experiment?.status == .running)
                for path in [
                    "/v1/flags/new%zznav", "/v1/flags/new%2/enable", "/v1/experiments/%FF", "/v1/experiments/a%C3/stop",
                    "/v1/goals/%zz", "/v1/reports/feature%2",
                ] {
                    let response =
                        path.hasSuffix("enable") || path.hasSuffix("stop")
                        ? try await client.post(path, json: "", key: read) : try await client.get(path, key: read)
                    #expect(response.status == .badRequest, "\(path): \(response.text)")
                    #expect(response.errorCode == "invalid_path", "\(path)")
                }
            }
        }
    }
}
