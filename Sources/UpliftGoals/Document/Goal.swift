public import UpliftAnalysis
public import UpliftModel

/// One measurable goal of a PR/FAQ: a metric as a series per `interval`, a target for its value in
/// one period, a baseline, a deadline and the direction that counts as better.
///
/// Units: the rates (`adoption_rate`, `funnel_conversion`, `retention`) are fractions 0…1 (write
/// 0.4 for 40%); `nps` is −100…100; `csat` is a percentage 0…100; counts, sums and averages are per
/// period of `interval`.
public struct Goal: Sendable {
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        /// Adopters (persons with the `feature` event) over active persons, per calendar period.
        case adoptionRate = "adoption_rate"
        /// Distinct persons with `event` (any event when omitted) per period.
        case uniquePersons = "unique_persons"
        /// Occurrences of `event` (any event when omitted) per period.
        case events
        /// Persons completing `steps` within `window`, over persons entering, by the period of their first step.
        case funnelConversion = "funnel_conversion"
        /// Share of persons whose first `event` falls in the period who come back (with `active`, or
        /// any event) on local day `day` after it.
        case retention
        /// Net promoter score of 0–10 answers (`feature` / `survey` of the feedback).
        case nps
        /// Share of 1–5 answers that are 4 or 5, in percent.
        case csat
        /// Sum / average of the number `property` of `event`.
        case propertySum = "property_sum"
        case propertyAverage = "property_average"

        /// Rates live in 0…1, scores in their scale; forecasts are clamped to this.
        public var domain: ClosedRange<Double> {
            switch self {
            case .adoptionRate, .funnelConversion, .retention: 0...1
            case .nps: -100...100
            case .csat: 0...100
            case .uniquePersons, .events, .propertySum: 0...Double.greatestFiniteMagnitude
            case .propertyAverage: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
            }
        }
    }

    public enum Direction: String, Sendable, Hashable, CaseIterable {
        case increase, decrease

        /// Whether `value` meets `target` in this direction, allowing for rounding in the last
        /// digits (0.1 + 0.2 meets 0.3).
        public func meets(_ value: Double, _ target: Double) -> Bool {
            let slack = 1e-9 * max(1, abs(target))
            return self == .increase ? value >= target - slack : value <= target + slack
        }
    }

    public var id: String
    public var title: String?
    public var metric: Metric
    /// `events`, `unique_persons`, `property_*`: the event counted; `retention`: the cohort event.
    public var event: String?
    /// `adoption_rate`: the feature's event; `nps`/`csat`: the feedback's feature.
    public var feature: String?
    /// `adoption_rate`: the event that makes a person active; `retention`: the return event.
    public var active: String?
    /// `funnel_conversion`: the steps, in order.
    public var steps: [FunnelQuery.Step]
    /// `funnel_conversion`: the conversion window (default 14d).
    public var window: TimeLength?
    /// `retention`: the day N after the cohort event.
    public var day: Int?
    /// `property_sum`, `property_average`: the number.
    public var property: String?
    /// `nps`/`csat`: the survey.
    public var survey: String?
    /// Conditions every counted event meets.
    public var filters: [PropertyFilter]
    public var interval: Interval
    public var target: Double
    /// Where progress starts; nil: the series' first value.
    public var baseline: Double?
    public var deadline: UTCDay
    public var direction: Direction
    /// Line of the goal in the file (nil when not from a file).
    public var line: Int?

    public init(id: String, title: String? = nil, metric: Metric, event: String? = nil, feature: String? = nil,
                active: String? = nil, steps: [FunnelQuery.Step] = [], window: TimeLength? = nil, day: Int? = nil,
                property: String? = nil, survey: String? = nil, filters: [PropertyFilter] = [], interval: Interval = .week,
                target: Double, baseline: Double? = nil, deadline: UTCDay, direction: Direction = .increase, line: Int? = nil) {
        self.id = id; self.title = title; self.metric = metric; self.event = event; self.feature = feature
        self.active = active; self.steps = steps; self.window = window; self.day = day; self.property = property
        self.survey = survey; self.filters = filters; self.interval = interval; self.target = target
        self.baseline = baseline; self.deadline = deadline; self.direction = direction; self.line = line
    }
}
