/// One variant's metric as reported: unadjusted mean and per-person standard deviation.
public struct ArmSummary: Sendable, Hashable, Codable {
    public var n: Int
    public var mean: Double?
    public var stddev: Double?
}

/// Expected loss (gbstats "risk"): how much is given up on average by choosing each arm if the
/// other one is in fact better, in the units of the effect (relative or absolute).
public struct ExpectedLoss: Sendable, Hashable, Codable {
    public var control: Double
    public var treatment: Double

    /// For an effect X ~ N(μ, σ²): choosing control loses E[max(X, 0)], choosing treatment loses
    /// E[max(−X, 0)] (gbstats get_risk, through truncated normal means, here in closed form).
    public static func gaussian(mean mu: Double, sd sigma: Double) -> ExpectedLoss {
        let z = mu / sigma
        let density = sigma * Normal.pdf(z)
        return ExpectedLoss(control: mu * Normal.cdf(z) + density, treatment: density - mu * Normal.cdf(-z))
    }
}

/// The effect of treatment over control on one scale (relative: (t − c) / c; absolute: t − c).
public struct Effect: Sendable, Hashable, Codable {
    public var estimate: Double
    /// Standard error of the estimate (Bayesian: the posterior standard deviation).
    public var standardError: Double
    /// Interval bounds; nil means unbounded (the open side of a one-sided test).
    public var lower: Double?
    public var upper: Double?
    /// Frequentist and sequential methods.
    public var pValue: Double?
    /// Bayesian method: P(treatment better), accounting for `inverse`.
    public var chanceToWin: Double?
    public var expectedLoss: ExpectedLoss?
}

/// The comparison of one treatment against control for one metric. Numbers the method does not
/// produce, or that the input does not allow, are nil; `problem` then says why in plain words.
/// Every number is finite, so the value encodes to JSON as is.
public struct Comparison: Sendable, Hashable, Codable {
    public var control: ArmSummary
    public var treatment: ArmSummary
    public var relative: Effect?
    public var absolute: Effect?
    /// CUPED's pooled regression coefficient when the adjustment was applied.
    public var theta: Double?
    /// Welch–Satterthwaite degrees of freedom (frequentist method).
    public var degreesOfFreedom: Double?
    public var problem: String?

    public var absoluteLift: Double? { absolute?.estimate }
    public var relativeLift: Double? { relative?.estimate }
    /// The interval on the relative lift (either bound nil when unbounded).
    public var ci: (lower: Double?, upper: Double?)? { relative.map { ($0.lower, $0.upper) } }
    public var pValue: Double? { relative?.pValue }
    public var chanceToWin: Double? { relative?.chanceToWin }
    public var expectedLoss: ExpectedLoss? { relative?.expectedLoss }
}
