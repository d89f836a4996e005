import Foundation
package import UpliftAnalysis
package import UpliftModel

/// Where a goal stands: its series, current value, progress from the baseline, the forecast to the
/// deadline and the status that follows from them.
package struct GoalStatus: Sendable {
    package enum State: String, Sendable, Hashable, CaseIterable {
        /// The current value meets the target (in the goal's direction).
        case achieved
        /// Not yet, but the trend's point forecast meets the target by the deadline.
        case onTrack = "on_track"
        /// The point forecast misses the target, the favourable bound of its interval meets it.
        case atRisk = "at_risk"
        /// Neither meets it (or the deadline has passed without it).
        case offTrack = "off_track"
        /// No period has a value yet, or the latest complete periods have no data (no events since a day).
        case noData = "no_data"
    }

    /// One period: its first day and the metric's value (nil: nothing to measure, e.g. no one active).
    package struct Point: Sendable, Equatable {
        package var date: String
        package var value: Double?
        package init(date: String, value: Double?) {
            self.date = date
            self.value = value
        }
    }

    package struct Forecast: Sendable, Equatable {
        /// First day of the deadline's period (the forecast is the value in that period).
        package var date: String
        package var value: Double
        /// The prediction interval at `confidence`; nil with fewer than 3 points fitted.
        package var low: Double?
        package var high: Double?
        package var confidence: Double
        /// Change per period of the fitted line, and how many recent periods it was fitted on.
        package var slopePerPeriod: Double
        package var periodsFitted: Int
    }

    package var goal: Goal
    package var series: [Point]
    /// The latest period with a value.
    package var current: Double?
    package var currentDate: String?
    /// The goal's baseline, else the series' first value.
    package var baseline: Double?
    /// (current − baseline) ÷ (target − baseline): 0 at the baseline, 1 at the target; nil when undefined.
    package var progress: Double?
    /// Nil without data, or when the deadline's period is already measured.
    package var forecast: Forecast?
    package var status: State
    /// One sentence on why the status is what it is.
    package var explanation: String
    /// The last day with events up to the end of the latest complete period (the DATE of `no_data`'s
    /// "no events since DATE"); nil without any.
    package var dataUntil: String? = nil
    /// Events the goal names that the project never had (its values then read as zeros or no data).
    package var warnings: [QueryWarning] = []

    package var json: JSONValue {
        func number(_ x: Double?) -> JSONValue {
            guard let x, x.isFinite else { return .null }
            if x == x.rounded(), abs(x) < 1e15 { return .number(String(Int64(x))) }
            return .number(String(x))
        }
        func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        let forecastJSON: JSONValue =
            forecast.map { f in
                .object([
                    ("date", .string(f.date)), ("value", number(f.value)), ("low", number(f.low)),
                    ("high", number(f.high)),
                    ("confidence", number(f.confidence)), ("slope_per_period", number(f.slopePerPeriod)),
                    ("periods_fitted", number(Double(f.periodsFitted))),
                ])
            } ?? .null
        return .object([
            ("id", .string(goal.id)), ("title", text(goal.title)), ("metric", .string(goal.metric.rawValue)),
            ("interval", .string(goal.interval.rawValue)), ("direction", .string(goal.direction.rawValue)),
            ("target", number(goal.target)), ("baseline", number(baseline)),
            ("deadline", .string(goal.deadline.description)),
            ("current", number(current)), ("current_date", text(currentDate)), ("progress", number(progress)),
            ("forecast", forecastJSON), ("status", .string(status.rawValue)), ("explanation", .string(explanation)),
            ("data_until", text(dataUntil)),
            ("series", .array(series.map { .object([("date", .string($0.date)), ("value", number($0.value))]) })),
        ]).adding(warnings: warnings)
    }
}

extension PrfaqDocument {
    /// The document's header and its goals' statuses: one entry of `uplift goals --json` and `GET /v1/goals`.
    package func json(goals: [GoalStatus]) -> JSONValue {
        .object([
            ("id", .string(id)), ("title", .string(title)), ("owner", .string(owner)), ("feature", .string(feature)),
            ("launch", .string(launch.description)), ("file", .string((path as NSString).lastPathComponent)),
            ("goals", .array(goals.map(\.json))),
        ])
    }
}
