import Clocks
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// Where write keys may travel, what is refused, and that projects stay apart.
struct AuthTests {
    @Test func everyKeyPlaceIsAccepted() async throws {
        try await ServerFixture.with { fixture in
            let key = fixture.writeKey
            // (how the key travels, the body without or with the key in it)
            let bodies: [(KeyStyle, String)] = [
                (.basic(key), json(["type": "track", "event": "e", "userId": "u", "messageId": "basic"])),
                (.bearer(key), json(["type": "track", "event": "e", "userId": "u", "messageId": "bearer"])),
                (
                    .none,
                    json(["type": "track", "event": "e", "userId": "u", "messageId": "writeKey", "writeKey": key])
                ),
                (.none, json(["event": "e", "distinct_id": "u", "uuid": "api_key", "api_key": key])),
                (.none, json(["event": "e", "distinct_id": "u", "uuid": "token", "token": key])),
                (
                    .none,
                    json(["event": "e", "distinct_id": "u", "uuid": "properties.token", "properties": ["token": key]])
                ),
                (
                    .none,
                    json(["event": "e", "distinct_id": "u", "uuid": "properties.$token", "properties": ["$token": key]])
                ),
                (
                    .none,
                    json([
                        "batch": [["type": "track", "event": "e", "userId": "u", "messageId": "batch.writeKey"]],
                        "writeKey": key,
                    ])
                ),
            ]
            try await fixture.serve { client in
                for (style, body) in bodies {
                    let path = body.contains("distinct_id") ? "/capture" : "/v1/batch"
                    let response = try await client.post(path, json: body, key: style)
                    #expect(response.status == .ok, "\(body): \(response.text)")
                }
            }
            let ids = Set(try await fixture.storedEvents().map(\.eventID))
            #expect(
                ids == [
                    "basic", "bearer", "writeKey", "api_key", "token", "properties.token", "properties.$token",
                    "batch.writeKey",
                ])
        }
    }

    @Test func headerKeyWinsOverBodyKey() async throws {
        try await ServerFixture.with { fixture in
            // The body names beta's key, the header alpha's: the event belongs to alpha.
            let body = json([
                "type": "track", "event": "e", "userId": "u", "messageId": "h", "writeKey": fixture.betaWriteKey,
            ])
            let unknownInHeader = json([
                "type": "track", "event": "e", "userId": "u", "messageId": "x", "writeKey": fixture.writeKey,
            ])
            try await fixture.serve { client async throws in
                #expect(try await client.post("/v1/track", json: body, key: .basic(fixture.writeKey)).status == .ok)
                // A bad header key is not rescued by a good body key.
                let refused = try await client.post("/v1/track", json: unknownInHeader, key: .bearer("upw_unknown"))
                #expect(refused.status == .unauthorized)
            }
            #expect(try await fixture.storedEvents(fixture.alpha).map(\.eventID) == ["h"])
            #expect(try await fixture.storedEvents(fixture.beta).isEmpty)
        }
    }

    @Test func badKeysAre401WithTheJSONError() async throws {
        try await ServerFixture.with { fixture in
            let revoked = try await fixture.catalog.createKey(project: fixture.alpha, kind: .write).token
            try await fixture.catalog.revokeKey(prefix: revoked)
            let message = json(["type": "track", "event": "e", "userId": "u"])
            let cases: [(String, KeyStyle)] = [
                ("missing", .none),
                ("unknown", .basic("upw_" + String(repeating: "x", count: 40))),
                ("garbage bearer", .bearer("not-a-key")),
                ("revoked", .basic(revoked)),
                ("read key", .basic(fixture.readKey)),
                ("read key as bearer", .bearer(fixture.readKey)),
            ]
            try await fixture.serve { client in
                for (name, style) in cases {
                    let response = try await client.post("/v1/track", json: message, key: style)
                    #expect(response.status == .unauthorized, "\(name)")
                    #expect(response.errorCode == "unauthorized", "\(name): \(response.text)")
                    #expect(response.headers[.wwwAuthenticate] == #"Basic realm="uplift""#, "\(name)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                }
                // A read key in the body is refused as well.
                let inBody = json(["type": "track", "event": "e", "userId": "u", "writeKey": fixture.readKey])
                #expect(try await client.post("/v1/track", json: inBody, key: .none).status == .unauthorized)
            }
            #expect(try await fixture.storedEvents().isEmpty)
        }
    }

    @Test func aKeyRevokedWhileServingStopsWorking() async throws {
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            // No caching, so the revocation is seen at once (in production within the 10 s TTL).
            configuration.keyCacheTTL = .zero
            let key = try await fixture.catalog.createKey(project: fixture.alpha, kind: .write).token
            let catalog = fixture.catalog
            try await fixture.serve(configuration: configuration) { client in
                let message = json(["type": "track", "event": "e", "userId": "u"])
                #expect(try await client.post("/v1/track", json: message, key: .basic(key)).status == .ok)
                try await catalog.revokeKey(prefix: key)
                let refused = try await client.post("/v1/track", json: message, key: .basic(key))
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "unauthorized")
            }
            #expect(try await fixture.storedEvents().count == 1)
        }
    }

    @Test func aRevokedKeyWorksUntilTheKeyCacheTimePasses() async throws {
        try await ServerFixture.with { fixture in
            var configuration = ServerConfiguration()
            let clock = TestClock()
            configuration.clock = clock
            configuration.keyCacheTTL = .seconds(10)
            let key = try await fixture.catalog.createKey(project: fixture.alpha, kind: .write).token
            let catalog = fixture.catalog
            try await fixture.serve(configuration: configuration) { client in
                let message = { (id: String) in json(["type": "track", "event": "e", "userId": "u", "messageId": id]) }
                #expect(try await client.post("/v1/track", json: message("k-1"), key: .basic(key)).status == .ok)
                try await catalog.revokeKey(prefix: key)
                // The granted check is remembered for the cache time…
                await clock.advance(by: .seconds(9))
                #expect(try await client.post("/v1/track", json: message("k-2"), key: .basic(key)).status == .ok)
                // …and not after it.
                await clock.advance(by: .seconds(1))
                let refused = try await client.post("/v1/track", json: message("k-3"), key: .basic(key))
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "unauthorized")
            }
            #expect(try await fixture.storedEvents().count == 2)
        }
    }

    @Test func projectsStayApart() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client in
                let a = json(["type": "track", "event": "in-alpha", "userId": "u", "messageId": "a-1"])
                let b = json(["type": "track", "event": "in-beta", "userId": "u", "messageId": "b-1"])
                #expect(try await client.post("/v1/track", json: a, key: .basic(fixture.writeKey)).status == .ok)
                #expect(try await client.post("/v1/track", json: b, key: .bearer(fixture.betaWriteKey)).status == .ok)
                // The same message id in the other project is not a duplicate: ids are per project.
                let again = try await client.post("/v1/track", json: a, key: .basic(fixture.betaWriteKey))
                    .acknowledgement
                #expect(again.accepted == 1 && again.duplicates == 0)
            }
            let alpha = try await fixture.storedEvents(fixture.alpha)
            let beta = try await fixture.storedEvents(fixture.beta)
            #expect(alpha.map(\.event) == ["in-alpha"])
            #expect(Set(beta.map(\.event)) == ["in-beta", "in-alpha"])
            #expect(!alpha.contains { $0.event == "in-beta" })
        }
    }

    /// A key of project A never writes into B: the key decides the project, nothing in the body does.
    @Test func aWriteKeyCannotWriteIntoAnotherProject() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.serve { client async throws in
                // PostHog bodies may carry a project-ish field; it must not redirect the event.
                let body = json([
                    "event": "sneaky", "distinct_id": "u", "uuid": "s-1", "project": "beta",
                    "api_key": fixture.writeKey,
                ])
                #expect(try await client.post("/capture", json: body, key: .none).status == .ok)
            }
            #expect(try await fixture.storedEvents(fixture.beta).isEmpty)
            #expect(try await fixture.storedEvents(fixture.alpha).map(\.eventID) == ["s-1"])
        }
    }
}
