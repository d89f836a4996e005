import UpliftStats

/// An ordinary least-squares line `y = intercept + slope · x` and its prediction interval.
///
/// Method (the goals' forecast): the line is fitted on the last N points of the goal's series
/// (N = min(8, points with a value)), x being the period's index. At a future period x₀ the point
/// forecast is ŷ₀ = a + b·x₀ and the prediction interval for the value observed then is
///
///     ŷ₀ ± t(1 − α/2, n − 2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx),   s² = Σ residual² / (n − 2)
///
/// with Student's t on n − 2 degrees of freedom (the residual standard error s has n − 2). With
/// fewer than 3 points there is no estimate of s: the forecast has no interval (two points give
/// an exact line, one point a flat forecast).
package struct LinearTrend: Sendable, Equatable {
    package var intercept: Double
    package var slope: Double
    /// Points fitted.
    package var count: Int
    package var meanX: Double
    /// Σ (x − x̄)².
    package var sxx: Double
    /// √(Σ residual² / (n − 2)); nil with fewer than 3 points.
    package var residualStandardError: Double?

    /// Fits the points; nil when there are none or the lengths differ. A single point (or points
    /// all at one x) gives a flat line through their mean.
    package static func fit(x: [Double], y: [Double]) -> LinearTrend? {
        let n = x.count
        guard n > 0, n == y.count else { return nil }
        let mx = x.reduce(0, +) / Double(n)
        let my = y.reduce(0, +) / Double(n)
        var sxx = 0.0
        var sxy = 0.0
        for i in 0..<n {
            sxx += (x[i] - mx) * (x[i] - mx)
            sxy += (x[i] - mx) * (y[i] - my)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        let intercept = my - slope * mx
        var s: Double?
        if n >= 3, sxx > 0 {
            var ssr = 0.0
            for i in 0..<n {
                let r = y[i] - (intercept + slope * x[i])
                ssr += r * r
            }
            s = (ssr / Double(n - 2)).squareRoot()
        }
        return LinearTrend(intercept: intercept, slope: slope, count: n, meanX: mx, sxx: sxx, residualStandardError: s)
    }

    package func predict(_ x: Double) -> Double { intercept + slope * x }

    /// The two-sided prediction interval at `confidence` (0.8 → the 10th to 90th percentile) for a
    /// new observation at `x`; nil without a residual standard error.
    package func predictionInterval(_ x: Double, confidence: Double) -> (low: Double, high: Double)? {
        guard let s = residualStandardError, count >= 3, sxx > 0, confidence > 0, confidence < 1 else { return nil }
        let t = StudentT.quantile(1 - (1 - confidence) / 2, df: Double(count - 2))
        let se = s * (1 + 1 / Double(count) + (x - meanX) * (x - meanX) / sxx).squareRoot()
        let y = predict(x)
        return (y - t * se, y + t * se)
    }
}
