import Foundation
public import UpliftModel
import UpliftAnalysis

/// Where a goal stands: its series, current value, progress from the baseline, the forecast to the
/// deadline and the status that follows from them.
public struct GoalStatus: Sendable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The current value meets the target (in the goal's direction).
        case achieved
        /// Not yet, but the trend's point forecast meets the target by the deadline.
        case onTrack = "on_track"
        /// The point forecast misses the target, the favourable bound of its interval meets it.
        case atRisk = "at_risk"
        /// Neither meets it (or the deadline has passed without it).
        case offTrack = "off_track"
        /// No period has a value yet.
        case noData = "no_data"
    }

    /// One period: its first day and the metric's value (nil: nothing to measure, e.g. no one active).
    public struct Point: Sendable, Equatable {
        public var date: String
        public var value: Double?
        public init(date: String, value: Double?) { self.date = date; self.value = value }
    }

    public struct Forecast: Sendable, Equatable {
        /// First day of the deadline's period (the forecast is the value in that period).
        public var date: String
        public var value: Double
        /// The prediction interval at `confidence`; nil with fewer than 3 points fitted.
        public var low: Double?
        public var high: Double?
        public var confidence: Double
        /// Change per period of the fitted line, and how many recent periods it was fitted on.
        public var slopePerPeriod: Double
        public var periodsFitted: Int
    }

    public var goal: Goal
    public var series: [Point]
    /// The latest period with a value.
    public var current: Double?
    public var currentDate: String?
    /// The goal's baseline, else the series' first value.
    public var baseline: Double?
    /// (current − baseline) ÷ (target − baseline): 0 at the baseline, 1 at the target; nil when undefined.
    public var progress: Double?
    /// Nil without data, or when the deadline's period is already measured.
    public var forecast: Forecast?
    public var status: State
    /// One sentence on why the status is what it is.
    public var explanation: String

    public var json: JSONValue {
        func number(_ x: Double?) -> JSONValue {
            guard let x, x.isFinite else { return .null }
            if x == x.rounded(), abs(x) < 1e15 { return .number(String(Int64(x))) }
            return .number(String(x))
        }
        func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        let forecastJSON: JSONValue = forecast.map { f in
            .object([("date", .string(f.date)), ("value", number(f.value)), ("low", number(f.low)), ("high", number(f.high)),
                     ("confidence", number(f.confidence)), ("slope_per_period", number(f.slopePerPeriod)),
                     ("periods_fitted", number(Double(f.periodsFitted)))])
        } ?? .null
        return .object([
            ("id", .string(goal.id)), ("title", text(goal.title)), ("metric", .string(goal.metric.rawValue)),
            ("interval", .string(goal.interval.rawValue)), ("direction", .string(goal.direction.rawValue)),
            ("target", number(goal.target)), ("baseline", number(baseline)), ("deadline", .string(goal.deadline.description)),
            ("current", number(current)), ("current_date", text(currentDate)), ("progress", number(progress)),
            ("forecast", forecastJSON), ("status", .string(status.rawValue)), ("explanation", .string(explanation)),
            ("series", .array(series.map { .object([("date", .string($0.date)), ("value", number($0.value))]) })),
        ])
    }
}

extension PrfaqDocument {
    /// The document's header and its goals' statuses: one entry of `uplift goals --json` and `GET /v1/goals`.
    public func json(goals: [GoalStatus]) -> JSONValue {
        .object([("id", .string(id)), ("title", .string(title)), ("owner", .string(owner)), ("feature", .string(feature)),
                 ("launch", .string(launch.description)), ("file", .string((path as NSString).lastPathComponent)),
                 ("goals", .array(goals.map(\.json)))])
    }
}
