package import UpliftAnalysis
package import UpliftModel

/// One measurable goal of a PR/FAQ: a metric as a series per `interval`, a target for its value in
/// one period, a baseline, a deadline and the direction that counts as better.
///
/// Units: the rates (`adoption_rate`, `funnel_conversion`, `retention`) are fractions 0…1 (write
/// 0.4 for 40%); `nps` is −100…100; `csat` is a percentage 0…100; counts, sums and averages are per
/// period of `interval`.
package struct Goal: Sendable {
    package enum Metric: String, Sendable, Hashable, CaseIterable {
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
        package var domain: ClosedRange<Double> {
            switch self {
            case .adoptionRate, .funnelConversion, .retention: 0...1
            case .nps: -100...100
            case .csat: 0...100
            case .uniquePersons, .events, .propertySum: 0...Double.greatestFiniteMagnitude
            case .propertyAverage: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
            }
        }
    }

    package enum Direction: String, Sendable, Hashable, CaseIterable {
        case increase, decrease

        /// Whether `value` meets `target` in this direction, allowing for rounding in the last
        /// digits (0.1 + 0.2 meets 0.3).
        package func meets(_ value: Double, _ target: Double) -> Bool {
            let slack = 1e-9 * max(1, abs(target))
            return self == .increase ? value >= target - slack : value <= target + slack
        }
    }

    package var id: String
    package var title: String?
    package var metric: Metric
    /// `events`, `unique_persons`, `property_*`: the event counted; `retention`: the cohort event.
    package var event: String?
    /// `adoption_rate`: the feature's event; `nps`/`csat`: the feedback's feature.
    package var feature: String?
    /// `adoption_rate`: the event that makes a person active; `retention`: the return event.
    package var active: String?
    /// `funnel_conversion`: the steps, in order.
    package var steps: [FunnelQuery.Step]
    /// `funnel_conversion`: the conversion window (default 14d).
    package var window: TimeLength?
    /// `retention`: the day N after the cohort event.
    package var day: Int?
    /// `property_sum`, `property_average`: the number.
    package var property: String?
    /// `nps`/`csat`: the survey.
    package var survey: String?
    /// Conditions every counted event meets.
    package var filters: [PropertyFilter]
    package var interval: Interval
    package var target: Double
    /// Where progress starts; nil: the series' first value.
    package var baseline: Double?
    package var deadline: UTCDay
    package var direction: Direction
    /// Line of the goal in the file (nil when not from a file).
    package var line: Int?

    package init(
        id: String, title: String? = nil, metric: Metric, event: String? = nil, feature: String? = nil,
        active: String? = nil, steps: [FunnelQuery.Step] = [], window: TimeLength? = nil, day: Int? = nil,
        property: String? = nil, survey: String? = nil, filters: [PropertyFilter] = [], interval: Interval = .week,
        target: Double, baseline: Double? = nil, deadline: UTCDay, direction: Direction = .increase, line: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.metric = metric
        self.event = event
        self.feature = feature
        self.active = active
        self.steps = steps
        self.window = window
        self.day = day
        self.property = property
        self.survey = survey
        self.filters = filters
        self.interval = interval
        self.target = target
        self.baseline = baseline
        self.deadline = deadline
        self.direction = direction
        self.line = line
    }
}
