/// One component's moments in one arm, as gbstats' SampleMeanStatistic (`isProportion == false`) and
/// ProportionStatistic (`true`): a proportion's variance is p(1 − p) from its mean alone, so its sum of
/// squares is never read (the component is taken to be 0/1).
struct Moments: Sendable, Hashable {
    var n: Double
    var sum: Double
    var sumSquares: Double
    var isProportion: Bool

    var mean: Double { n == 0 ? 0 : sum / n }

    var variance: Double {
        if isProportion { return mean * (1 - mean) }
        if n <= 1 { return 0 }
        return (sumSquares - sum * sum / n) / (n - 1)
    }

    /// The pooled moments of two arms (for CUPED's theta).
    static func + (a: Moments, b: Moments) -> Moments {
        Moments(
            n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares,
            isProportion: a.isProportion && b.isProportion)
    }

    /// The covariance of two components over the same persons, from Σab (gbstats compute_covariance:
    /// the population form for two proportions, the sample form otherwise).
    static func covariance(n: Double, _ a: Moments, _ b: Moments, sumOfProducts: Double) -> Double {
        if n <= 1 { return 0 }
        if a.isProportion && b.isProportion {
            return sumOfProducts / n - a.sum * b.sum / (n * n)
        }
        return (sumOfProducts - a.sum * b.sum / n) / (n - 1)
    }
}

/// Var(M/D) by the delta method, for M with mean `meanM` and variance `varianceM`, D likewise, and
/// their covariance (gbstats variance_of_ratios).
func varianceOfRatios(
    meanM: Double, varianceM: Double, meanD: Double, varianceD: Double,
    covariance: Double
) -> Double {
    let d2 = meanD * meanD
    return varianceM / d2 + varianceD * meanM * meanM / (d2 * d2) - 2 * covariance * meanM / (d2 * meanD)
}
