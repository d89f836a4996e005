package import UpliftModel
package import UpliftStats

/// What the events say about an experiment, reduced to per-variant sufficient statistics: the input
/// of the statistics and the decision (the statistics never see rows). Made by
/// `AnalysisEngine.experimentData(_:from:to:snapshot:links:)`, which documents the semantics.
package struct ExperimentData: Sendable, Hashable {
    package struct Variant: Sendable, Hashable {
        package var key: String
        /// Exposed persons counted in the analysis (in every metric of this variant).
        package var persons: Int

        package init(key: String, persons: Int) {
            self.key = key
            self.persons = persons
        }
    }

    /// New exposed persons of one UTC day: persons whose first exposure falls on it.
    package struct Day: Sendable, Hashable {
        package var day: UTCDay
        /// Per variant, in definition order.
        package var persons: [Int]

        package init(day: UTCDay, persons: [Int]) {
            self.day = day
            self.persons = persons
        }
    }

    package struct Metric: Sendable, Hashable {
        package var id: String
        package var kind: MetricDefinition.Kind
        /// False for the definition's primary metrics, true for its guardrails.
        package var guardrail: Bool
        /// Whether the sums carry the pre-exposure (CUPED) components.
        package var cuped: Bool
        /// Per variant, in definition order; component layout as in `MetricSums`.
        package var sums: [MetricSums]

        package init(id: String, kind: MetricDefinition.Kind, guardrail: Bool, cuped: Bool, sums: [MetricSums]) {
            self.id = id
            self.kind = kind
            self.guardrail = guardrail
            self.cuped = cuped
            self.sums = sums
        }

        /// Per variant: the mean of the first component (a proportion's rate, a mean's average, a
        /// ratio's numerator per person); 0 for an empty variant.
        package var means: [Double] { sums.map { $0.n > 0 ? $0.sums[0] / Double($0.n) : 0 } }
    }

    /// The analysed range, microseconds, `from` inclusive and `to` exclusive.
    package var from: Int64
    package var to: Int64
    /// In definition order.
    package var variants: [Variant]
    /// Persons exposed to two or more variants: counted whatever the policy; left out of the
    /// analysis unless the definition's `multipleExposures` is `.first`.
    package var multipleExposures: Int
    /// Persons with at least one exposure naming no variant of the definition (or none at all);
    /// those exposures are ignored, the person's other exposures still count.
    package var unknownVariantPersons: Int
    /// Every UTC day from the day of `from` through the day of `to − 1`, zeros included.
    package var days: [Day]
    /// The primary metrics, then the guardrails, in definition order.
    package var metrics: [Metric]

    package init(
        from: Int64, to: Int64, variants: [Variant], multipleExposures: Int, unknownVariantPersons: Int,
        days: [Day], metrics: [Metric]
    ) {
        self.from = from
        self.to = to
        self.variants = variants
        self.multipleExposures = multipleExposures
        self.unknownVariantPersons = unknownVariantPersons
        self.days = days
        self.metrics = metrics
    }

    /// The metric with this id, if the definition has it.
    package func metric(_ id: String) -> Metric? { metrics.first { $0.id == id } }
}
