/// The chi-square distribution (sample ratio mismatch).
package enum ChiSquare {
    /// P(X > x) for `df` degrees of freedom.
    package static func sf(_ x: Double, df: Double) -> Double {
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return min(1, max(0, SpecialFunctions.regularizedGammaQ(a: df / 2, x: x / 2)))
    }

    /// P(X ≤ x).
    package static func cdf(_ x: Double, df: Double) -> Double {
        1 - sf(x, df: df)
    }
}
