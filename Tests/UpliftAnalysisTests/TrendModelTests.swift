import Testing
import TestSupport
import UpliftAnalysis
import UpliftModel

/// The trend engine against the naive reference on random cases.
struct TrendModelTests {
    @Test func matchesReference() throws {
        let engine = AnalysisEngine(cacheBytes: 0)
        for seed in 0..<1200 as Range<UInt64> {
            var cases = MetricCases(seed: 0x7_0000 + seed)
            let (events, links) = cases.events()
            let query = try cases.trend()
            let expected = ReferenceMetrics.trend(query, events: events, links: links)
            let actual = try engine.trend(query, snapshot: try MetricHarness.memory(events), links: links)
            #expect(actual == expected, "seed \(seed)")
            if actual != expected { return }
        }
    }
}
