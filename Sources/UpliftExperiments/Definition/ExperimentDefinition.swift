package import UpliftAnalysis

/// An experiment as a growth team writes it down (YAML in `dashboards/` or `POST /v1/experiments`), and as
/// the catalog keeps it. Field names on the wire are the snake_case of these.
package struct ExperimentDefinition: Sendable, Hashable {
    package enum Status: String, Sendable, Hashable, CaseIterable { case draft, running, stopped, shipped }
    package enum Method: String, Sendable, Hashable, CaseIterable { case frequentist, bayesian, sequential }
    /// What happens to a person exposed to more than one variant.
    package enum MultipleExposures: String, Sendable, Hashable, CaseIterable {
        /// Left out of every metric (and counted, and reported). The default, as GrowthBook and PostHog do.
        case exclude
        /// Kept in the variant of their first exposure.
        case first
    }

    package struct Variant: Sendable, Hashable {
        package var key: String
        /// Share of the traffic; weights are normalised to sum to 1.
        package var weight: Double
        package init(key: String, weight: Double) {
            self.key = key
            self.weight = weight
        }
    }

    /// Which events say that a person saw a variant. Understood as they are: `$exposure` (properties
    /// `experiment`, `variant`), PostHog's `$feature_flag_called` (`$feature_flag`, `$feature_flag_response`),
    /// and GrowthBook's tracking callback as Segment sends it, `experiment_viewed` / `Experiment Viewed`
    /// (`experiment_id`, `variation_id`). Any other event names its two properties.
    package struct Exposure: Sendable, Hashable {
        package var event: String
        /// The property naming the experiment (matched against the experiment's key or its flag).
        package var experimentProperty: String
        /// The property naming the variant.
        package var variantProperty: String
        package var filters: [PropertyFilter]
        package init(
            event: String = "$exposure", experimentProperty: String? = nil, variantProperty: String? = nil,
            filters: [PropertyFilter] = []
        ) {
            self.event = event
            let defaults: (String, String) =
                switch event {
                case "$feature_flag_called": ("$feature_flag", "$feature_flag_response")
                case "experiment_viewed", "Experiment Viewed": ("experiment_id", "variation_id")
                default: ("experiment", "variant")
                }
            self.experimentProperty = experimentProperty ?? defaults.0
            self.variantProperty = variantProperty ?? defaults.1
            self.filters = filters
        }
    }

    /// CUPED: each person's metric before their exposure adjusts the metric after it.
    package struct Cuped: Sendable, Hashable {
        package var enabled: Bool
        /// How far before the first exposure the pre-exposure value is measured.
        package var preExposureWindow: TimeLength
        package init(enabled: Bool = false, preExposureWindow: TimeLength = TimeLength(days: 14)) {
            self.enabled = enabled
            self.preExposureWindow = preExposureWindow
        }
    }

    package var key: String
    package var hypothesis: String
    package var owner: String?
    package var variants: [Variant]
    /// Microseconds since the Unix epoch, UTC: the default analysis range (from start until stop or now).
    package var start: Int64?
    package var stop: Int64?
    package var status: Status
    package var exposure: Exposure
    package var metrics: [MetricDefinition]
    package var guardrails: [MetricDefinition]
    package var method: Method
    /// 0.95 unless set; alpha is 1 − confidence.
    package var confidence: Double
    package var cuped: Cuped
    /// The smallest relative lift worth detecting (0.05 = 5%), for power and the days still to run.
    package var minimumDetectableEffect: Double?
    /// The person attribute assignment hashes: a stable id that does not change when the user identifies.
    package var hashAttribute: String
    /// GrowthBook's hash seed; the key unless set.
    package var seed: String?
    package var multipleExposures: MultipleExposures
    /// The variant rolled out to everyone when the experiment was shipped (`uplift experiment stop --ship`).
    package var shippedVariant: String?

    package init(
        key: String, hypothesis: String = "", owner: String? = nil, variants: [Variant],
        start: Int64? = nil, stop: Int64? = nil, status: Status = .draft, exposure: Exposure = Exposure(),
        metrics: [MetricDefinition], guardrails: [MetricDefinition] = [], method: Method = .frequentist,
        confidence: Double = 0.95, cuped: Cuped = Cuped(), minimumDetectableEffect: Double? = nil,
        hashAttribute: String = "id", seed: String? = nil, multipleExposures: MultipleExposures = .exclude,
        shippedVariant: String? = nil
    ) {
        self.key = key
        self.hypothesis = hypothesis
        self.owner = owner
        self.variants = variants
        self.start = start
        self.stop = stop
        self.status = status
        self.exposure = exposure
        self.metrics = metrics
        self.guardrails = guardrails
        self.method = method
        self.confidence = confidence
        self.cuped = cuped
        self.minimumDetectableEffect = minimumDetectableEffect
        self.hashAttribute = hashAttribute
        self.seed = seed
        self.multipleExposures = multipleExposures
        self.shippedVariant = shippedVariant
    }
}

/// One metric of an experiment: what each exposed person contributes after their first exposure.
package struct MetricDefinition: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Did the person do the event (0/1).
        case proportion
        /// How many times, or the sum of `property`, per person.
        case mean
        /// Σ numerator over Σ denominator (revenue per session); both per person.
        case ratio
        /// Did the person complete the funnel `steps` within `window`, starting after exposure.
        case funnel
    }
    /// Whether a rise is good news (`increase`) or bad (`decrease`, e.g. errors, latency); guardrails use it.
    package enum Direction: String, Sendable, Hashable, CaseIterable { case increase, decrease }

    /// An event with filters, and optionally the numeric property to sum.
    package struct EventMeasure: Sendable, Hashable {
        package var event: String
        package var filters: [PropertyFilter]
        package var property: PropertyRef?
        package init(event: String, filters: [PropertyFilter] = [], property: PropertyRef? = nil) {
            self.event = event
            self.filters = filters
            self.property = property
        }
    }

    /// A funnel metric's conversion window when the definition gives none.
    package static let defaultFunnelWindow = TimeLength(days: 14)

    package var id: String
    package var kind: Kind
    /// The event (proportion, mean) or the numerator (ratio).
    package var measure: EventMeasure
    /// Ratio metrics only.
    package var denominator: EventMeasure?
    /// Funnel metrics only: the steps after exposure.
    package var steps: [FunnelQuery.Step]
    /// How long after the first exposure events count (funnels: the conversion window); nil = until the end.
    package var window: TimeLength?
    package var direction: Direction

    package init(
        id: String, kind: Kind, measure: EventMeasure, denominator: EventMeasure? = nil,
        steps: [FunnelQuery.Step] = [], window: TimeLength? = nil, direction: Direction = .increase
    ) {
        self.id = id
        self.kind = kind
        self.measure = measure
        self.denominator = denominator
        self.steps = steps
        self.window = window
        self.direction = direction
    }
}

extension ExperimentDefinition {
    /// Every event the analysis reads: the exposure, then each metric's and guardrail's events.
    package var eventNames: [String] {
        [exposure.event]
            + (metrics + guardrails).flatMap { m in
                [m.measure.event] + (m.denominator.map { [$0.event] } ?? []) + m.steps.map(\.event)
            }
    }
}

extension ExperimentDefinition {
    /// Every property the analysis reads: the exposure's two and its filters, then each metric's and
    /// guardrail's filters and summed properties.
    package var propertyRefs: [PropertyRef] {
        [PropertyRef(exposure.experimentProperty), PropertyRef(exposure.variantProperty)]
            + exposure.filters.propertyRefs
            + (metrics + guardrails).flatMap { m in
                ([m.measure] + (m.denominator.map { [$0] } ?? [])).flatMap { measure in
                    measure.filters.propertyRefs + (measure.property.map { [$0] } ?? [])
                } + m.steps.flatMap(\.filters.propertyRefs)
            }
    }
}
