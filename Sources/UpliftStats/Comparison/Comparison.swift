/// One variant's metric as reported: unadjusted mean and per-person standard deviation.
package struct ArmSummary: Sendable, Hashable, Codable {
    package var n: Int
    package var mean: Double?
    package var stddev: Double?
}

/// Expected loss (gbstats "risk"): how much is given up on average by choosing each arm if the
/// other one is in fact better, in the units of the effect (relative or absolute).
package struct ExpectedLoss: Sendable, Hashable, Codable {
    package var control: Double
    package var treatment: Double

    /// For an effect X ~ N(μ, σ²): choosing control loses E[max(X, 0)], choosing treatment loses
    /// E[max(−X, 0)] (gbstats get_risk, through truncated normal means, here in closed form).
    package static func gaussian(mean mu: Double, sd sigma: Double) -> ExpectedLoss {
        let z = mu / sigma
        let density = sigma * Normal.pdf(z)
        return ExpectedLoss(control: mu * Normal.cdf(z) + density, treatment: density - mu * Normal.cdf(-z))
    }
}

/// The effect of treatment over control on one scale (relative: (t − c) / c; absolute: t − c).
package struct Effect: Sendable, Hashable, Codable {
    package var estimate: Double
    /// Standard error of the estimate (Bayesian: the posterior standard deviation).
    package var standardError: Double
    /// Interval bounds; nil means unbounded (the open side of a one-sided test).
    package var lower: Double?
    package var upper: Double?
    /// Frequentist and sequential methods.
    package var pValue: Double?
    /// Bayesian method: P(treatment better), accounting for `inverse`.
    package var chanceToWin: Double?
    package var expectedLoss: ExpectedLoss?
}

/// The comparison of one treatment against control for one metric. Numbers the method does not
/// produce, or that the input does not allow, are nil; `problem` then says why in plain words.
/// Every number is finite, so the value encodes to JSON as is.
package struct Comparison: Sendable, Hashable, Codable {
    package var control: ArmSummary
    package var treatment: ArmSummary
    package var relative: Effect?
    package var absolute: Effect?
    /// CUPED's pooled regression coefficient when the adjustment was applied.
    package var theta: Double?
    /// Welch–Satterthwaite degrees of freedom (frequentist method).
    package var degreesOfFreedom: Double?
    package var problem: String?

    package var absoluteLift: Double? { absolute?.estimate }
    package var relativeLift: Double? { relative?.estimate }
    /// The interval on the relative lift (either bound nil when unbounded).
    package var ci: (lower: Double?, upper: Double?)? { relative.map { ($0.lower, $0.upper) } }
    package var pValue: Double? { relative?.pValue }
    package var chanceToWin: Double? { relative?.chanceToWin }
    package var expectedLoss: ExpectedLoss? { relative?.expectedLoss }
}
