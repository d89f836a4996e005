import TestSupport
import Testing
import UpliftAnalysis
import UpliftModel

/// Sums never turn into null: text that is not a plain finite decimal is not a number, numbers
/// stored before ingest refused non-finite ones are skipped, and a sum of finite numbers past a
/// double's range saturates.
struct OverflowSumTests {
    typealias H = MetricHarness
    let engine = AnalysisEngine(cacheBytes: 0)

    func sum(_ events: [Event], measure: TrendQuery.Measure = .sum) throws -> TrendResult {
        let q = TrendQuery(
            scope: try H.scope("2026-03-01", "2026-03-03"), event: "buy", measure: measure,
            property: PropertyRef("amount"))
        return try engine.trend(q, snapshot: try H.memory(events), links: [:])
    }

    @Test func hexInfinityAndOverflowingTextAreNotNumbers() throws {
        let events = ["\"1e400\"", "\"0x1p+2000\"", "\"-inf\"", "\"nan\"", "\"-nan\"", "1e400", "\"12.5\"", "3"].map {
            H.event("buy", "u", "2026-03-01T10:00:00Z", #"{"amount":\#($0)}"#)
        }
        let r = try sum(events)
        #expect(r.points.map(\.value) == [15.5, 0])
        #expect(r.total == 15.5)
        let average = try sum(events, measure: .average)
        #expect(average.total == 7.75)
    }

    @Test func sumsPastTheRangeOfADoubleSaturateInsteadOfBecomingNull() throws {
        let events = [
            H.event("buy", "u", "2026-03-01T10:00:00Z", #"{"amount":1e308}"#),
            H.event("buy", "v", "2026-03-01T11:00:00Z", #"{"amount":1.5e308}"#),
            H.event("buy", "w", "2026-03-02T11:00:00Z", #"{"amount":-1.5e308}"#),
            H.event("buy", "w", "2026-03-02T12:00:00Z", #"{"amount":-1e308}"#),
        ]
        let r = try sum(events)
        #expect(r.points.map(\.value) == [.greatestFiniteMagnitude, -.greatestFiniteMagnitude])
        // The running total passes 1.8e308 and comes back: the exact answer, 0, not infinity − infinity.
        #expect(r.total == 0)
        let average = try sum(events, measure: .average)
        #expect(average.points.map(\.value) == [1.25e308, -1.25e308])
        #expect(try sum([events[0], events[1], events[2]]).total == 1e308)
    }
}
