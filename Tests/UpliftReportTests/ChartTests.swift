import TestSupport
import Testing
import UpliftModel

@testable import UpliftReport

struct FunnelChartTests {
    @Test func barsConversionAndDropOff() {
        let svg = FunnelChart.svg(Samples.funnel())
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("12,480 · 100.0%"))
        #expect(svg.contains("3,870 · 31.0%"))
        // 8,110 of 12,480 continued; 4,370 dropped.
        #expect(svg.contains("65.0% continued · 4,370 dropped off (35.0%)"))
        #expect(ChartChecks.count("class=\"funnel-step\"", in: svg) == 4)
        let table = FunnelChart.table(Samples.funnel())
        _ = ChartChecks.assertSafe(table)
        #expect(table.contains("<td class=\"num\">61.9%</td>"))  // 5,020 / 8,110
    }

    @Test func degenerateFunnels() {
        var f = Samples.funnel()
        f.steps = []
        #expect(ChartChecks.isEmptyState(FunnelChart.svg(f)))
        f.steps = [.init(name: "a", persons: 0), .init(name: "b", persons: 0)]
        #expect(ChartChecks.isEmptyState(FunnelChart.svg(f)))
        f.steps = [.init(name: "a", persons: 10), .init(name: "b", persons: 50), .init(name: "c", persons: -3)]
        let svg = FunnelChart.svg(f)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("50 · 100.0%"))  // inconsistent counts are capped, never drawn past the track
        f.steps = [.init(name: "only", persons: 7)]
        ChartChecks.assertAccessibleSVG(FunnelChart.svg(f))
        _ = ChartChecks.assertSafe(FunnelChart.table(f))
    }

    @Test(arguments: Payloads.corpus)
    func payloadStepNames(_ payload: String) {
        let f = FunnelInput(
            id: payload, title: payload, steps: [.init(name: payload, persons: 5), .init(name: payload, persons: 2)],
            subtitle: payload)
        ChartChecks.assertAccessibleSVG(FunnelChart.svg(f))
        _ = ChartChecks.assertSafe(FunnelChart.table(f))
    }
}

struct ForestPlotTests {
    @Test func rowsIntervalsZeroLineAndVerdicts() {
        let svg = ForestPlot.svg(Samples.forest())
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("class=\"zero-line\""))
        #expect(ChartChecks.count("class=\"forest-row", in: svg) == 4)
        #expect(svg.contains("verdict-better") && svg.contains("verdict-worse") && svg.contains("verdict-inconclusive"))
        #expect(svg.contains("+6.2% [+2.1%, +10.3%]"))
        #expect(svg.contains("Ship one-page"))
        #expect(ForestPlot.svg(Samples.forest()) == svg)
    }

    @Test func degenerateRows() {
        var f = Samples.forest()
        f.rows = []
        #expect(ChartChecks.isEmptyState(ForestPlot.svg(f)))
        f.rows = [.init(metric: "m", variant: "v", estimate: .nan, lower: .nan, upper: .nan, verdict: .inconclusive)]
        #expect(ChartChecks.isEmptyState(ForestPlot.svg(f)))
        f.rows.append(
            .init(metric: "m", variant: "w", estimate: 0, lower: -.infinity, upper: .infinity, verdict: .inconclusive))
        f.rows.append(.init(metric: "m", variant: "z", estimate: 0, lower: 0, upper: 0, verdict: .inconclusive))
        let svg = ForestPlot.svg(f)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("no estimate") && svg.contains("[no interval]"))
        _ = ChartChecks.assertSafe(ForestPlot.table(f))
    }

    @Test(arguments: Payloads.corpus)
    func payloadNames(_ payload: String) {
        let f = ForestInput(
            id: payload, title: payload,
            rows: [
                .init(metric: payload, variant: payload, estimate: 0.1, lower: 0, upper: 0.2, verdict: .better)
            ], decision: payload, intervalLabel: payload)
        ChartChecks.assertAccessibleSVG(ForestPlot.svg(f))
        _ = ChartChecks.assertSafe(ForestPlot.table(f))
    }
}

struct FeedbackChartTests {
    @Test func npsDistributionAndTrend() throws {
        let input = Samples.feedback()
        let s = try #require(FeedbackChart.summary(input))
        #expect(s.responses == 1_300)
        // Promoters 590, detractors 260: NPS = (590 − 260) / 1300 × 100 ≈ 25.4.
        #expect(abs(s.score - 25.3846) < 0.001)
        let svg = FeedbackChart.svg(input)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("NPS +25 from 1,300 respondents"))
        #expect(ChartChecks.count("class=\"score-bar\"", in: svg) == 11)
        #expect(svg.contains("class=\"score-trend\""))
        _ = ChartChecks.assertSafe(FeedbackChart.table(input))
    }

    @Test func csatUsesFiveScores() throws {
        let input = FeedbackInput(id: "c", title: "Checkout CSAT", scale: .csat, counts: [5, 5, 10, 40, 40])
        let s = try #require(FeedbackChart.summary(input))
        #expect(abs(s.score - 0.8) < 1e-9)
        let svg = FeedbackChart.svg(input)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("CSAT 80.0%"))
        #expect(svg.contains("class=\"empty-panel\""))  // no trend yet
    }

    @Test func degenerateFeedback() {
        for counts in [[], [1, 2], Array(repeating: 0, count: 11), Array(repeating: -4, count: 11)] {
            let svg = FeedbackChart.svg(
                FeedbackInput(
                    id: "n", title: "NPS", scale: .nps, counts: counts,
                    trend: [.init(day: Samples.start, score: .nan)]))
            ChartChecks.assertAccessibleSVG(svg)
            #expect(ChartChecks.isEmptyState(svg))
        }
    }

    @Test(arguments: Payloads.corpus)
    func payloadTitles(_ payload: String) {
        var f = Samples.feedback()
        f.id = payload
        f.title = payload
        ChartChecks.assertAccessibleSVG(FeedbackChart.svg(f))
        _ = ChartChecks.assertSafe(FeedbackChart.table(f))
    }
}
