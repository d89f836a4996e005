public import UpliftStats

/// An experiment's analysis: who was exposed, whether the split is sound, the evidence per metric and
/// variant, and the decision. `json` is the document of `uplift experiment analyze --json` and
/// `POST /v1/query/experiment`.
public struct ExperimentResult: Sendable {
    public struct Exposures: Sendable {
        public var variants: [(key: String, weight: Double, persons: Int)]
        /// Persons exposed to more than one variant (left out unless the definition keeps their first).
        public var multipleExposures: Int
        /// Persons whose exposures named no variant of the definition (ignored).
        public var unknownVariant: Int
    }

    /// One variant's line for one metric. The control's has only the summary.
    public struct VariantLine: Sendable {
        public var key: String
        public var summary: ArmSummary
        /// nil for the control.
        public var comparison: Comparison?
        /// The p-value after the correction across primary metrics × variants (frequentist and sequential).
        public var adjustedPValue: Double?
        /// The evidence says the variant moved the metric in the good (`better`) or bad (`worse`) direction.
        public var verdict: Verdict
    }

    public enum Verdict: String, Sendable { case better, worse, inconclusive, control, unavailable }

    public struct MetricLine: Sendable {
        public var id: String
        public var kind: String
        public var guardrail: Bool
        public var direction: String
        public var cuped: Bool
        public var variants: [VariantLine]
    }

    public var key: String
    public var method: String
    public var confidence: Double
    public var correction: MultipleTestingCorrection
    public var from: Int64
    public var to: Int64
    public var exposures: Exposures
    public var srm: SampleRatioMismatch
    public var metrics: [MetricLine]
    public var decision: ExperimentDecision
}

/// How p-values are corrected across the primary metrics × treatment variants.
public enum MultipleTestingCorrection: String, Sendable, Hashable, CaseIterable {
    case holm
    case benjaminiHochberg = "benjamini-hochberg"
    case none
}
