import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// The adoption engine against the naive reference on random cases.
struct AdoptionModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(
            seeds: 0..<1200, salt: 313, { try $0.adoption() },
            reference: { ReferenceMetrics.adoption($0, events: $1, links: $2) },
            engine: { try $0.adoption($1, snapshot: $2, links: PersonMap($3)) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(
            seeds: 0..<8, salt: 313, { try $0.adoption() },
            reference: { ReferenceMetrics.adoption($0, events: $1, links: $2) },
            engine: { try $0.adoption($1, snapshot: $2, links: PersonMap($3)) })
    }
}
