import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import UpliftCatalog
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
}
