import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// The lifecycle engine against the naive reference on random cases.
struct LifecycleModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(
            seeds: 0..<1200, salt: 355, { try $0.lifecycle() },
            reference: { ReferenceMetrics.lifecycle($0, events: $1, links: $2) },
            engine: { try $0.lifecycle($1, snapshot: $2, links: PersonMap($3)) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(
            seeds: 0..<8, salt: 355, { try $0.lifecycle() },
            reference: { ReferenceMetrics.lifecycle($0, events: $1, links: $2) },
            engine: { try $0.lifecycle($1, snapshot: $2, links: PersonMap($3)) })
    }
}
