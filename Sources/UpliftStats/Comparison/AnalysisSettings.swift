/// What a metric measures per person, which decides its variance (the components it reads from
/// `MetricSums` are documented there).
package enum MetricShape: String, Sendable, Hashable, Codable, CaseIterable {
    /// Did the person do it: 0/1 per person, variance p(1 − p).
    case proportion
    /// A count or sum per person, sample variance.
    case mean
    /// Σ numerator / Σ denominator over persons, delta-method variance.
    case ratio
}

/// How the comparison is judged.
package enum AnalysisMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Welch t-test, fixed horizon.
    case frequentist
    /// Gaussian model on the lift: chance to win, expected loss, credible interval.
    case bayesian
    /// Always-valid confidence sequences: may be looked at any time.
    case sequential
}

/// The alternative hypothesis of the frequentist and sequential tests.
package enum Alternative: String, Sendable, Hashable, Codable, CaseIterable {
    case twoSided = "two-sided"
    /// Treatment greater than control; the interval has no upper bound.
    case greater
    /// Treatment less than control; the interval has no lower bound.
    case less
}

/// A proper Gaussian prior on the relative lift (0.1 = +10 %), for the Bayesian method. gbstats
/// calls this an informative prior; without one the prior is flat.
package struct GaussianPrior: Sendable, Hashable, Codable {
    package var mean: Double
    package var variance: Double

    package init(mean: Double = 0, variance: Double = 0.09) {
        self.mean = mean
        self.variance = variance
    }
}

/// The settings of one comparison. Defaults are gbstats' defaults.
package struct AnalysisSettings: Sendable, Hashable, Codable {
    package var method: AnalysisMethod
    /// 1 − confidence level (0.05 for 95 %).
    package var alpha: Double
    package var alternative: Alternative
    /// Regression adjustment with the pre-exposure components of the sums.
    package var cuped: Bool
    /// N*, the sample size the sequential intervals are tightest at.
    package var sequentialTuning: Double
    /// nil: flat prior.
    package var prior: GaussianPrior?
    /// Lower is better (e.g. latency, churn): flips chance to win and the two expected losses.
    package var inverse: Bool

    package init(
        method: AnalysisMethod = .frequentist, alpha: Double = 0.05, alternative: Alternative = .twoSided,
        cuped: Bool = false, sequentialTuning: Double = 5000, prior: GaussianPrior? = nil,
        inverse: Bool = false
    ) {
        self.method = method
        self.alpha = alpha
        self.alternative = alternative
        self.cuped = cuped
        self.sequentialTuning = sequentialTuning
        self.prior = prior
        self.inverse = inverse
    }

    /// The confidence level, 1 − alpha.
    package var confidence: Double {
        get { 1 - alpha }
        set { alpha = 1 - newValue }
    }
}
