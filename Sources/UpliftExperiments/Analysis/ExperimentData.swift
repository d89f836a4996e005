public import UpliftModel
public import UpliftStats

/// What the events say about an experiment, reduced to per-variant sufficient statistics: the input
/// of the statistics and the decision (the statistics never see rows). Made by
/// `AnalysisEngine.experimentData(_:from:to:snapshot:links:)`, which documents the semantics.
public struct ExperimentData: Sendable, Hashable {
    public struct Variant: Sendable, Hashable {
        public var key: String
        /// Exposed persons counted in the analysis (in every metric of this variant).
        public var persons: Int

        public init(key: String, persons: Int) {
            self.key = key
            self.persons = persons
        }
    }

    /// New exposed persons of one UTC day: persons whose first exposure falls on it.
    public struct Day: Sendable, Hashable {
        public var day: UTCDay
        /// Per variant, in definition order.
        public var persons: [Int]

        public init(day: UTCDay, persons: [Int]) {
            self.day = day
            self.persons = persons
        }
    }

    public struct Metric: Sendable, Hashable {
        public var id: String
        public var kind: MetricDefinition.Kind
        /// False for the definition's primary metrics, true for its guardrails.
        public var guardrail: Bool
        /// Whether the sums carry the pre-exposure (CUPED) components.
        public var cuped: Bool
        /// Per variant, in definition order; component layout as in `MetricSums`.
        public var sums: [MetricSums]

        public init(id: String, kind: MetricDefinition.Kind, guardrail: Bool, cuped: Bool, sums: [MetricSums]) {
            self.id = id
            self.kind = kind
            self.guardrail = guardrail
            self.cuped = cuped
            self.sums = sums
        }

        /// Per variant: the mean of the first component (a proportion's rate, a mean's average, a
        /// ratio's numerator per person); 0 for an empty variant.
        public var means: [Double] { sums.map { $0.n > 0 ? $0.sums[0] / Double($0.n) : 0 } }
    }

    /// The analysed range, microseconds, `from` inclusive and `to` exclusive.
    public var from: Int64
    public var to: Int64
    /// In definition order.
    public var variants: [Variant]
    /// Persons exposed to two or more variants: counted whatever the policy; left out of the
    /// analysis unless the definition's `multipleExposures` is `.first`.
    public var multipleExposures: Int
    /// Persons with at least one exposure naming no variant of the definition (or none at all);
    /// those exposures are ignored, the person's other exposures still count.
    public var unknownVariantPersons: Int
    /// Every UTC day from the day of `from` through the day of `to − 1`, zeros included.
    public var days: [Day]
    /// The primary metrics, then the guardrails, in definition order.
    public var metrics: [Metric]

    public init(from: Int64, to: Int64, variants: [Variant], multipleExposures: Int, unknownVariantPersons: Int,
                days: [Day], metrics: [Metric]) {
        self.from = from
        self.to = to
        self.variants = variants
        self.multipleExposures = multipleExposures
        self.unknownVariantPersons = unknownVariantPersons
        self.days = days
        self.metrics = metrics
    }

    /// The metric with this id, if the definition has it.
    public func metric(_ id: String) -> Metric? { metrics.first { $0.id == id } }
}
