import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// The trend engine against the naive reference on random cases.
struct TrendModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(
            seeds: 0..<1200, salt: 239, { try $0.trend() },
            reference: { ReferenceMetrics.trend($0, events: $1, links: $2) },
            engine: { try $0.trend($1, snapshot: $2, links: PersonMap($3)) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(
            seeds: 0..<8, salt: 239, { try $0.trend() },
            reference: { ReferenceMetrics.trend($0, events: $1, links: $2) },
            engine: { try $0.trend($1, snapshot: $2, links: PersonMap($3)) })
    }

    /// Mixed types (`amount`: integers, doubles and strings; scores) in typed columns on some days.
    @Test func matchesReferenceOnShreddedSegments() async throws {
        let shredded = try await MetricHarness.modelOnShreddedSegments(
            seeds: 0..<12, salt: 239, { try $0.trend() },
            reference: { ReferenceMetrics.trend($0, events: $1, links: $2) },
            engine: { try $0.trend($1, snapshot: $2, links: PersonMap($3)) })
        #expect(shredded >= 12)
    }
}
