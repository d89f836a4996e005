import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
import UpliftModel
import UpliftServer

/// When the catalog cannot answer, key checks and readiness say so with 503, and nothing is stored.
struct CatalogFailureTests {
    @Test func anUnreachableCatalogIs503() async throws {
        try await ServerFixture.with { fixture in
            let catalog = try await fixture.openCatalog()
            try await fixture.serve(catalog: catalog) { client in
                let message = json(["type": "track", "event": "e", "userId": "u", "messageId": "c-1"])
                #expect(try await client.post("/v1/track", json: message, key: .basic(fixture.writeKey)).status == .ok)
                await catalog.close()
                // A key the server has not seen yet must be checked against the catalog, which is gone.
                let response = try await client.post("/v1/track", json: message, key: .basic(fixture.betaWriteKey))
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "catalog_unavailable")
                #expect(response.headers[.retryAfter] != nil)
                let ready = try await client.get("/readyz")
                #expect(ready.status == .serviceUnavailable)
                #expect(ready.text.contains(#""catalog":"unreachable""#))
            }
            #expect(try await fixture.storedEvents(fixture.beta).isEmpty)
        }
    }

    /// Person links that cannot be written: 503, but the events are stored, so a retry is all duplicates.
    @Test func unwritablePersonLinksAre503WithEventsKept() async throws {
        try await ServerFixture.with { fixture in
            let catalog = try await fixture.openCatalog()
            try await fixture.serve(catalog: catalog) { client in
                // The key is checked (and remembered) while the catalog still answers.
                let track = json(["type": "track", "event": "e", "userId": "u", "messageId": "t-1"])
                #expect(try await client.post("/v1/track", json: track, key: .basic(fixture.writeKey)).status == .ok)
                await catalog.close()
                let identify = json(["userId": "user-9", "anonymousId": "anon-9", "messageId": "i-1"])
                let response = try await client.post("/v1/identify", json: identify, key: .basic(fixture.writeKey))
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "catalog_unavailable")
                #expect(response.headers[.retryAfter] != nil)
            }
            #expect(Set(try await fixture.storedEvents().map(\.eventID)) == ["t-1", "i-1"])
            let before = try await fixture.catalog.persons(project: fixture.alpha, distinctIds: ["user-9", "anon-9"])
            #expect(before["user-9"] != before["anon-9"])

            // The client's retry, once the catalog is back: a duplicate, and now the link is written.
            let identify = json(["userId": "user-9", "anonymousId": "anon-9", "messageId": "i-1"])
            let retry = try await fixture.serve { client in
                try await client.post("/v1/identify", json: identify, key: .basic(fixture.writeKey)).acknowledgement
            }
            #expect(retry.accepted == 0 && retry.duplicates == 1)
            let after = try await fixture.catalog.persons(project: fixture.alpha, distinctIds: ["user-9", "anon-9"])
            #expect(after["user-9"] != nil && after["user-9"] == after["anon-9"])
        }
    }
}
