import Foundation
import Testing
import UpliftCatalog
import UpliftModel

@testable import UpliftServer

/// The ingest side of a project's personal-data controls when the catalog goes away: the settings last read
/// keep applying; a project whose settings were never read is refused rather than stored unfiltered.
struct PrivacyFilterCacheTests {
    @Test func theSettingsLastReadOutliveTheCatalogAndUnknownOnesAreRefused() async throws {
        try await ServerFixture.with { fixture in
            try await fixture.catalog.setProjectSettings(
                fixture.alpha, ProjectSettings(privacy: PrivacySettings(ipAddresses: .drop)))
            let catalog = try await fixture.openCatalog()
            let cache = PrivacyFilterCache(catalog: catalog, ttl: .zero)
            #expect(try await cache.filter(fixture.alpha)?.settings.ipAddresses == .drop)
            await catalog.close()
            #expect(try await cache.filter(fixture.alpha)?.settings.ipAddresses == .drop)
            let refused = await #expect(throws: UpliftError.self) { _ = try await cache.filter(fixture.beta) }
            #expect(refused?.code == .catalogUnavailable)
        }
    }
}
