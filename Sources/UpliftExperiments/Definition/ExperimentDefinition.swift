public import UpliftAnalysis

/// An experiment as a growth team writes it down (YAML in `dashboards/` or `POST /v1/experiments`), and as
/// the catalog keeps it. Field names on the wire are the snake_case of these.
public struct ExperimentDefinition: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable { case draft, running, stopped, shipped }
    public enum Method: String, Sendable, Hashable, CaseIterable { case frequentist, bayesian, sequential }
    /// What happens to a person exposed to more than one variant.
    public enum MultipleExposures: String, Sendable, Hashable, CaseIterable {
        /// Left out of every metric (and counted, and reported). The default, as GrowthBook and PostHog do.
        case exclude
        /// Kept in the variant of their first exposure.
        case first
    }

    public struct Variant: Sendable, Hashable {
        public var key: String
        /// Share of the traffic; weights are normalised to sum to 1.
        public var weight: Double
        public init(key: String, weight: Double) {
            self.key = key
            self.weight = weight
        }
    }

    /// Which events say that a person saw a variant. Understood as they are: `$exposure` (properties
    /// `experiment`, `variant`), PostHog's `$feature_flag_called` (`$feature_flag`, `$feature_flag_response`),
    /// and GrowthBook's tracking callback as Segment sends it, `experiment_viewed` / `Experiment Viewed`
    /// (`experiment_id`, `variation_id`). Any other event names its two properties.
    public struct Exposure: Sendable, Hashable {
        public var event: String
        /// The property naming the experiment (matched against the experiment's key or its flag).
        public var experimentProperty: String
        /// The property naming the variant.
        public var variantProperty: String
        public var filters: [PropertyFilter]
        public init(event: String = "$exposure", experimentProperty: String? = nil, variantProperty: String? = nil,
                    filters: [PropertyFilter] = []) {
            self.event = event
            let defaults: (String, String) = switch event {
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
    public struct Cuped: Sendable, Hashable {
        public var enabled: Bool
        /// How far before the first exposure the pre-exposure value is measured.
        public var preExposureWindow: TimeLength
        public init(enabled: Bool = false, preExposureWindow: TimeLength = TimeLength(days: 14)) {
            self.enabled = enabled
            self.preExposureWindow = preExposureWindow
        }
    }

    public var key: String
    public var hypothesis: String
    public var owner: String?
    public var variants: [Variant]
    /// Microseconds since the Unix epoch, UTC: the default analysis range (from start until stop or now).
    public var start: Int64?
    public var stop: Int64?
    public var status: Status
    public var exposure: Exposure
    public var metrics: [MetricDefinition]
    public var guardrails: [MetricDefinition]
    public var method: Method
    /// 0.95 unless set; alpha is 1 − confidence.
    public var confidence: Double
    public var cuped: Cuped
    /// The smallest relative lift worth detecting (0.05 = 5%), for power and the days still to run.
    public var minimumDetectableEffect: Double?
    /// The person attribute assignment hashes: a stable id that does not change when the user identifies.
    public var hashAttribute: String
    /// GrowthBook's hash seed; the key unless set.
    public var seed: String?
    public var multipleExposures: MultipleExposures
    /// The variant rolled out to everyone when the experiment was shipped (`uplift experiment stop --ship`).
    public var shippedVariant: String?

    public init(key: String, hypothesis: String = "", owner: String? = nil, variants: [Variant],
                start: Int64? = nil, stop: Int64? = nil, status: Status = .draft, exposure: Exposure = Exposure(),
                metrics: [MetricDefinition], guardrails: [MetricDefinition] = [], method: Method = .frequentist,
                confidence: Double = 0.95, cuped: Cuped = Cuped(), minimumDetectableEffect: Double? = nil,
                hashAttribute: String = "id", seed: String? = nil, multipleExposures: MultipleExposures = .exclude,
                shippedVariant: String? = nil) {
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
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
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
    public enum Direction: String, Sendable, Hashable, CaseIterable { case increase, decrease }

    /// An event with filters, and optionally the numeric property to sum.
    public struct EventMeasure: Sendable, Hashable {
        public var event: String
        public var filters: [PropertyFilter]
        public var property: PropertyRef?
        public init(event: String, filters: [PropertyFilter] = [], property: PropertyRef? = nil) {
            self.event = event
            self.filters = filters
            self.property = property
        }
    }

    public var id: String
    public var kind: Kind
    /// The event (proportion, mean) or the numerator (ratio).
    public var measure: EventMeasure
    /// Ratio metrics only.
    public var denominator: EventMeasure?
    /// Funnel metrics only: the steps after exposure.
    public var steps: [FunnelQuery.Step]
    /// How long after the first exposure events count (funnels: the conversion window); nil = until the end.
    public var window: TimeLength?
    public var direction: Direction

    public init(id: String, kind: Kind, measure: EventMeasure, denominator: EventMeasure? = nil,
                steps: [FunnelQuery.Step] = [], window: TimeLength? = nil, direction: Direction = .increase) {
        self.id = id
        self.kind = kind
        self.measure = measure
        self.denominator = denominator
        self.steps = steps
        self.window = window
        self.direction = direction
    }
}
