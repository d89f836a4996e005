import Testing
import TestSupport
import UpliftAnalysis
import UpliftModel

/// The feedback engine against the naive reference on random cases.
struct FeedbackModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(seeds: 0..<1200, salt: 318, { try $0.feedback() },
                                reference: { ReferenceMetrics.feedback($0, events: $1, links: $2) },
                                engine: { try $0.feedback($1, snapshot: $2, links: $3) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(seeds: 0..<8, salt: 318, { try $0.feedback() },
                                                reference: { ReferenceMetrics.feedback($0, events: $1, links: $2) },
                                                engine: { try $0.feedback($1, snapshot: $2, links: $3) })
    }
}
