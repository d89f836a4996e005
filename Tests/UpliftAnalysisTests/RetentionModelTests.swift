import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// The retention engine against the naive reference on random cases.
struct RetentionModelTests {
    @Test func matchesReferenceInMemory() throws {
        try MetricHarness.model(
            seeds: 0..<1200, salt: 361, { try $0.retention() },
            reference: { ReferenceMetrics.retention($0, events: $1, links: $2) },
            engine: { try $0.retention($1, snapshot: $2, links: PersonMap($3)) })
    }

    @Test func matchesReferenceOnSegments() async throws {
        try await MetricHarness.modelOnSegments(
            seeds: 0..<8, salt: 361, { try $0.retention() },
            reference: { ReferenceMetrics.retention($0, events: $1, links: $2) },
            engine: { try $0.retention($1, snapshot: $2, links: PersonMap($3)) })
    }
}
