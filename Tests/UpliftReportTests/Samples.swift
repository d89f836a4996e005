import UpliftModel
import UpliftReport

/// Realistic inputs for every chart, shared by the chart tests and the sample page.
enum Samples {
    static let start = UTCDay(year: 2026, month: 9, day: 1) ?? UTCDay(daysSinceEpoch: 0)

    static func goal(
        id: String = "checklist-adoption", title: String = "Onboarding checklist adoption",
        metric: String = "Adoption rate"
    ) -> GoalSeriesInput {
        // A planted rise from 8% by about 0.25 points a day with a weekly wobble.
        let points = (0..<60).map { i -> GoalSeriesInput.Point in
            let wobble = [0.004, -0.002, 0.001, -0.003, 0.002, 0.0, -0.001][i % 7]
            return .init(day: start.adding(days: Int64(i)), value: 0.08 + 0.0025 * Double(i) + wobble)
        }
        let last = points[points.count - 1]
        let forecast = (1...30).map { k -> GoalSeriesInput.ForecastPoint in
            let v = last.value + 0.0025 * Double(k)
            let spread = 0.004 * Double(k).squareRoot() + 0.001 * Double(k)
            return .init(day: last.day.adding(days: Int64(k)), value: v, lower: v - spread, upper: v + spread)
        }
        return GoalSeriesInput(
            goalID: id, title: title, metricName: metric, unit: .percent, points: points,
            target: 0.30, baseline: 0.08, deadline: start.adding(days: 89),
            forecast: forecast, subtitle: "On track · forecast 30.3% by the deadline")
    }

    static func funnel(name: String = "Checkout") -> FunnelInput {
        FunnelInput(
            id: "new-checkout", title: "\(name) funnel, last 30 days",
            steps: [
                .init(name: "Viewed cart", persons: 12_480),
                .init(name: "Started checkout", persons: 8_110),
                .init(name: "Entered payment", persons: 5_020),
                .init(name: "Order completed", persons: 3_870),
            ])
    }

    static func forest() -> ForestInput {
        ForestInput(
            id: "checkout-exp", title: "One-page checkout experiment: relative lift vs control",
            rows: [
                .init(
                    metric: "Order completed", variant: "one-page", estimate: 0.062, lower: 0.021, upper: 0.103,
                    verdict: .better),
                .init(
                    metric: "Order completed", variant: "one-page-express", estimate: 0.018, lower: -0.024,
                    upper: 0.060, verdict: .inconclusive),
                .init(
                    metric: "Revenue per visitor", variant: "one-page", estimate: 0.041, lower: -0.012, upper: 0.094,
                    verdict: .inconclusive),
                .init(
                    metric: "Refund requested (guardrail)", variant: "one-page", estimate: 0.118, lower: 0.035,
                    upper: 0.201, verdict: .worse),
            ], decision: "Ship one-page: it wins on the primary metric; watch refunds.")
    }

    static func feedback() -> FeedbackInput {
        let counts = [40, 12, 18, 25, 30, 55, 80, 190, 260, 310, 280]
        let trend = (0..<8).map { (i: Int) -> FeedbackInput.TrendPoint in
            let wobble: Double = i % 2 == 0 ? 1 : -1
            let score: Double = 12 + 2.5 * Double(i) + wobble
            return FeedbackInput.TrendPoint(day: start.adding(days: Int64(7 * i)), score: score)
        }
        return FeedbackInput(
            id: "checklist-nps", title: "Onboarding checklist NPS", scale: .nps,
            counts: counts, trend: trend)
    }
}
