#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The regularized incomplete beta and gamma functions behind the t and chi-square distributions.
/// Continued fractions by the modified Lentz method (Numerical Recipes §6.2, §6.4), evaluated on the
/// side where they converge fast; the caller passes `1 - x` separately when it can compute it
/// without cancellation, which is what keeps the tails accurate.
enum SpecialFunctions {
    static let tiny = 1e-300
    static let epsilon = 1e-16

    /// I_x(a, b), with `oneMinusX` = 1 − x computed by the caller without cancellation.
    static func regularizedBeta(x: Double, oneMinusX: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if oneMinusX <= 0 { return 1 }
        // The prefactor x^a (1−x)^b / B(a, b) in logs. Near 1 the logs go through log1p of the small
        // side: with a in the millions (a t-test's df / 2) an ulp in log(x) would cost 1e-9.
        let logX = x > 0.5 ? log1p(-oneMinusX) : log(x)
        let logOneMinusX = oneMinusX > 0.5 ? log1p(-x) : log(oneMinusX)
        let logFront = a * logX + b * logOneMinusX - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaFraction(x: oneMinusX, a: b, b: a) / b
    }

    /// ln B(a, b). For a large argument the difference lnΓ(big + small) − lnΓ(big) goes through
    /// Stirling's series instead of subtracting two huge lgammas (which loses ~1e-8 at 1e7).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let (big, small) = a >= b ? (a, b) : (b, a)
        if big < 20 { return lgamma(a) + lgamma(b) - lgamma(a + b) }
        return lgamma(small) - logGammaDifference(big, small)
    }

    /// lnΓ(x + d) − lnΓ(x) for x ≥ 20, d ≥ 0.
    private static func logGammaDifference(_ x: Double, _ d: Double) -> Double {
        func correction(_ y: Double) -> Double {
            let y2 = y * y
            return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * y2)) / y2) / y2) / y
        }
        return (x - 0.5) * log1p(d / x) + d * log(x + d) - d + correction(x + d) - correction(x)
    }

    /// The continued fraction for I_x(a, b) (NR betacf), converging for x < (a+1)/(a+b+2).
    private static func betaFraction(x: Double, a: Double, b: Double) -> Double {
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        // Convergence takes O(sqrt(max(a, b))) steps; a million persons per arm needs a few thousand.
        for m in 1...100_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// Q(a, x) = Γ(a, x) / Γ(a), the upper regularized incomplete gamma function.
    static func regularizedGammaQ(a: Double, x: Double) -> Double {
        if x <= 0 { return 1 }
        let logFront = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            // Series for P(a, x); Q = 1 − P is fine here because P is not close to 1 in this region's use.
            var ap = a
            var sum = 1 / a
            var del = 1 / a
            for _ in 0..<100_000 {
                ap += 1
                del *= x / ap
                sum += del
                if abs(del) < abs(sum) * epsilon { break }
            }
            return 1 - sum * exp(logFront)
        }
        // Continued fraction for Q(a, x) (NR gcf), accurate far into the upper tail.
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return exp(logFront) * h
    }
}
