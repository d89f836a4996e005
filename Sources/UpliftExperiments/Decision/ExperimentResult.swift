package import UpliftStats

/// An experiment's analysis: who was exposed, whether the split is sound, the evidence per metric and
/// variant, and the decision. `json` is the document of `uplift experiment analyze --json` and
/// `POST /v1/query/experiment`.
package struct ExperimentResult: Sendable {
    package struct Exposures: Sendable {
        package var variants: [(key: String, weight: Double, persons: Int)]
        /// Persons exposed to more than one variant (left out unless the definition keeps their first).
        package var multipleExposures: Int
        /// Persons whose exposures named no variant of the definition (ignored).
        package var unknownVariant: Int
    }

    /// One variant's line for one metric. The control's has only the summary.
    package struct VariantLine: Sendable {
        package var key: String
        package var summary: ArmSummary
        /// nil for the control.
        package var comparison: Comparison?
        /// The p-value after the correction across primary metrics × variants (frequentist and sequential).
        package var adjustedPValue: Double?
        /// The evidence says the variant moved the metric in the good (`better`) or bad (`worse`) direction.
        package var verdict: Verdict
    }

    package enum Verdict: String, Sendable { case better, worse, inconclusive, control, unavailable }

    package struct MetricLine: Sendable {
        package var id: String
        package var kind: String
        package var guardrail: Bool
        package var direction: String
        package var cuped: Bool
        package var variants: [VariantLine]
    }

    package var key: String
    package var method: String
    package var confidence: Double
    package var correction: MultipleTestingCorrection
    package var from: Int64
    package var to: Int64
    package var exposures: Exposures
    package var srm: SampleRatioMismatch
    package var metrics: [MetricLine]
    package var decision: ExperimentDecision
}

/// How p-values are corrected across the primary metrics × treatment variants.
package enum MultipleTestingCorrection: String, Sendable, Hashable, CaseIterable {
    case holm
    case benjaminiHochberg = "benjamini-hochberg"
    case none
}
