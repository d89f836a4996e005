#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution for real-valued degrees of freedom (Welch–Satterthwaite gives fractional ones).
package enum StudentT {
    /// P(T ≤ t).
    package static func cdf(_ t: Double, df: Double) -> Double {
        t >= 0 ? 1 - tail(abs(t), df: df) : tail(abs(t), df: df)
    }

    /// P(T > t), accurate in the upper tail.
    package static func sf(_ t: Double, df: Double) -> Double {
        cdf(-t, df: df)
    }

    /// P(T > |t|) for one side: ½ I_{ν/(ν+t²)}(ν/2, ½).
    private static func tail(_ t: Double, df: Double) -> Double {
        if t.isInfinite { return 0 }
        let t2 = t * t
        // Both x and 1 − x are formed directly, so neither side loses digits to cancellation.
        let x = df / (df + t2)
        let oneMinusX = t2 / (df + t2)
        return 0.5 * SpecialFunctions.regularizedBeta(x: x, oneMinusX: oneMinusX, a: df / 2, b: 0.5)
    }

    package static func pdf(_ t: Double, df: Double) -> Double {
        let logDensity =
            lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * log(df * Double.pi)
            - (df + 1) / 2 * log1p(t * t / df)
        return exp(logDensity)
    }

    /// The t with P(T ≤ t) = p: Newton steps from the normal quantile, kept inside a bracket that
    /// bisection shrinks whenever a step would leave it (heavy tails at small df overshoot).
    package static func quantile(_ p: Double, df: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 || !(df > 0) { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -upperQuantile(p, df: df) }
        return upperQuantile(1 - p, df: df)
    }

    /// The t > 0 with P(T > t) = q, q < ½.
    private static func upperQuantile(_ q: Double, df: Double) -> Double {
        var low = 0.0
        var high = 1.0
        while sf(high, df: df) > q {
            high *= 2
            if high > 1e300 { return .infinity }
        }
        var t = min(max(-Normal.quantile(q), low), high)
        for _ in 0..<200 {
            let residual = sf(t, df: df) - q
            if residual == 0 { return t }
            if residual > 0 { low = t } else { high = t }
            let density = pdf(t, df: df)
            var next = t + residual / density
            if !(next > low && next < high) { next = 0.5 * (low + high) }
            if abs(next - t) <= 1e-15 * max(1, abs(t)) { return next }
            t = next
        }
        return t
    }
}
