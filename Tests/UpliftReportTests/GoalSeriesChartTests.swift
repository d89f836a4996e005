import Foundation
import TestSupport
import Testing
import UpliftModel

@testable import UpliftReport

struct GoalSeriesChartTests {
    @Test func drawsSeriesTargetDeadlineAndForecast() {
        let svg = GoalSeriesChart.svg(Samples.goal())
        ChartChecks.assertAccessibleSVG(svg)
        #expect(!ChartChecks.isEmptyState(svg))
        for part in [
            "class=\"series\"", "class=\"target\"", "class=\"deadline\"", "class=\"forecast-band\"",
            "class=\"baseline\"", "Target 30.0%", "Forecast interval", ">30%<",
        ] {
            #expect(svg.contains(part), "missing \(part)")
        }
        #expect(svg.contains("id=\"checklist-adoption-series\""))
    }

    /// Legend labels are never cut short (issue 22: "Conversion signed_up → o…"): a long metric name wraps
    /// onto a row of its own, a very long one breaks between words, and the plot starts below the legend.
    @Test(arguments: [
        "Conversion signed_up → onboarding_completed",
        "Conversion signed_up → onboarding_completed → project_created → invited_teammate → report_shared → paid",
    ])
    func legendLabelsAreNeverTruncated(_ name: String) throws {
        var g = Samples.goal()
        g.metricName = name
        let svg = GoalSeriesChart.svg(g)
        ChartChecks.assertAccessibleSVG(svg)
        let legend = try #require(svg.range(of: "<g class=\"legend\"").map { svg[$0.lowerBound...] })
        let group = String(legend[..<(legend.range(of: "</g>")?.upperBound ?? legend.endIndex)])
        #expect(!group.contains("…"), "\(group)")
        // Every word of every label is drawn, in order, and no label runs past the chart's right edge.
        let texts = group.components(separatedBy: "<text").dropFirst().map { t in
            String(t.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
        }
        let shown = texts.joined(separator: " ").replacingOccurrences(of: "&gt;", with: ">")
        for label in [name, "Target", "Baseline", "Forecast interval", "Deadline"] {
            #expect(shown.contains(label), "\(label) in \(shown)")
        }
        for t in group.components(separatedBy: "<text").dropFirst() {
            let x = Double(t.split(separator: "\"")[1]) ?? 0
            let text = String(t.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
            #expect(x + Double(text.count) * 7.4 <= 720, "\(text) at \(x)")
        }
    }

    @Test func outputIsDeterministic() {
        #expect(GoalSeriesChart.svg(Samples.goal()) == GoalSeriesChart.svg(Samples.goal()))
        #expect(GoalSeriesChart.table(Samples.goal()) == GoalSeriesChart.table(Samples.goal()))
    }

    @Test func tableHoldsEveryPointAndForecast() {
        let table = GoalSeriesChart.table(Samples.goal())
        let check = ChartChecks.assertSafe(table)
        #expect(check.elements.filter { $0 == "tr" }.count == 1 + 60 + 30)
        #expect(table.contains("<summary>Data</summary>"))
        #expect(table.contains("2026-09-01"))
    }

    @Test func degenerateInputsRenderEmptyStates() throws {
        var g = Samples.goal()
        g.points = []
        #expect(ChartChecks.isEmptyState(GoalSeriesChart.svg(g)))
        g.points = [.init(day: Samples.start, value: 0.1)]
        let one = GoalSeriesChart.svg(g)
        #expect(ChartChecks.isEmptyState(one) && one.contains("10.0%"))
        g.points = [
            .init(day: Samples.start, value: .nan), .init(day: Samples.start.adding(days: 1), value: .infinity),
        ]
        #expect(ChartChecks.isEmptyState(GoalSeriesChart.svg(g)))
        for svg in [one, GoalSeriesChart.svg(g)] { ChartChecks.assertAccessibleSVG(svg) }
        #expect(!GoalSeriesChart.table(g).isEmpty)
    }

    @Test func allZeroAndNonFiniteExtrasStillRender() {
        var g = Samples.goal()
        g.points = g.points.map { .init(day: $0.day, value: 0) }
        g.target = .nan
        g.forecast = [.init(day: Samples.start.adding(days: 70), value: .infinity, lower: 0, upper: 1)]
        let svg = GoalSeriesChart.svg(g)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(svg.contains("Every measurement so far is zero."))
        #expect(!svg.contains("class=\"target\""))
        #expect(!svg.contains("NaN") && !svg.contains("inf"))
    }

    @Test func sameDayPointsAndPastDeadlineStayInside() {
        var g = Samples.goal()
        g.points = [.init(day: Samples.start, value: 0.1), .init(day: Samples.start, value: 0.2)]
        g.forecast = []
        g.deadline = Samples.start.adding(days: -10)
        let svg = GoalSeriesChart.svg(g)
        ChartChecks.assertAccessibleSVG(svg)
        #expect(!ChartChecks.isEmptyState(svg))
        // Every x coordinate lies within the 720-wide view box.
        let check = XMLCheck.parse(svg)
        for a in check.attributes where ["x", "x1", "x2", "cx"].contains(a.name) {
            let v = Double(a.value) ?? -1
            #expect(v >= 0 && v <= 720, "\(a.name)=\(a.value)")
        }
    }

    @Test(arguments: Payloads.corpus)
    func payloadsRenderAsText(_ payload: String) {
        var g = Samples.goal(id: payload, title: payload, metric: payload)
        g.subtitle = payload
        ChartChecks.assertAccessibleSVG(GoalSeriesChart.svg(g))
        _ = ChartChecks.assertSafe(GoalSeriesChart.table(g))
        g.points = []
        ChartChecks.assertAccessibleSVG(GoalSeriesChart.svg(g))
    }
}
