import Testing
import UpliftAnalysis
import UpliftModel
import UpliftStorage

/// Segment texts kept by event: queries give the same answers from kept texts as from the file,
/// the budget is respected, and evicted blocks give their texts' bytes back.
struct SegmentTextsTests {
    /// Two days: many page views (common) and a few purchases with amounts (rare, < 1% of the rows).
    static func events() -> [Event] {
        var out: [Event] = []
        for day in 1...2 {
            for i in 0..<400 {
                out.append(
                    MetricHarness.event(
                        "$pageview", "u\(i % 50)", "2026-03-0\(day)T0\(i % 9):00:00Z", #"{"url":"/p\#(i % 7)"}"#))
            }
            for i in 0..<3 {
                out.append(
                    MetricHarness.event(
                        "purchase", "u\(i)", "2026-03-0\(day)T12:00:00Z", #"{"amount":\#(10 * (i + day))}"#))
            }
        }
        return out
    }

    static func sum(_ engine: AnalysisEngine, _ snapshot: Snapshot) throws -> [Double] {
        let q = TrendQuery(
            scope: try MetricHarness.scope("2026-03-01", "2026-03-03"), event: "purchase", measure: .sum,
            property: PropertyRef("amount"))
        return try engine.trend(q, snapshot: snapshot, links: [:]).points.map(\.value)
    }

    static func pagesOfP3(_ engine: AnalysisEngine, _ snapshot: Snapshot) throws -> [Double] {
        let q = TrendQuery(
            scope: try MetricHarness.scope("2026-03-01", "2026-03-03"), event: "$pageview",
            eventFilters: [PropertyFilter(property: PropertyRef("url"), op: .eq, values: ["/p3"])])
        return try engine.trend(q, snapshot: snapshot, links: [:]).points.map(\.value)
    }

    @Test func keptTextsGiveTheSameAnswersAndAreReturnedOnEviction() async throws {
        let expectedSums: [Double] = [10 + 20 + 30, 20 + 30 + 40]
        let expectedPages: [Double] = [57, 57]
        try await MetricHarness.withSegments(Self.events()) { (snapshot: Snapshot) throws -> Void in
            #expect(snapshot.segments.count == 2)
            let engine = AnalysisEngine(cacheBytes: 1 << 26)
            #expect(try Self.sum(engine, snapshot) == expectedSums)
            let kept = engine.textBudget.usedBytes
            #expect(kept > 0)
            // The second time from memory: same answer, nothing more kept.
            #expect(try Self.sum(engine, snapshot) == expectedSums)
            #expect(engine.textBudget.usedBytes == kept)
            // A common event's texts are read (and kept) when a query asks for them.
            #expect(try Self.pagesOfP3(engine, snapshot) == expectedPages)
            #expect(try Self.pagesOfP3(engine, snapshot) == expectedPages)
            #expect(engine.textBudget.usedBytes > kept)
            // Blocks of segments gone (compaction) leave the cache and give their texts back.
            engine.forget(segmentsNotIn: Snapshot(project: snapshot.project, segments: [], pending: []))
            #expect(engine.textBudget.usedBytes == 0)
        }
    }

    @Test func withoutABudgetNothingIsKept() async throws {
        try await MetricHarness.withSegments(Self.events()) { (snapshot: Snapshot) throws -> Void in
            let engine = AnalysisEngine(cacheBytes: 0)
            #expect(try Self.sum(engine, snapshot) == [60, 90])
            #expect(try Self.sum(engine, snapshot) == [60, 90])
            #expect(engine.textBudget.usedBytes == 0)
        }
    }

    @Test func aSmallBudgetIsNeverExceeded() async throws {
        try await MetricHarness.withSegments(Self.events()) { (snapshot: Snapshot) throws -> Void in
            // 4 KiB of texts: the purchases fit, the page views do not.
            let engine = AnalysisEngine(cacheBytes: 16 << 10)
            #expect(try Self.sum(engine, snapshot) == [60, 90])
            #expect(try Self.pagesOfP3(engine, snapshot) == [57, 57])
            #expect(try Self.pagesOfP3(engine, snapshot) == [57, 57])
            #expect(engine.textBudget.usedBytes > 0 && engine.textBudget.usedBytes <= 4 << 10)
        }
    }
}
