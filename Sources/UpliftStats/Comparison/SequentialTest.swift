#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// gbstats SequentialTwoSidedTTest and the one-sided variants: asymptotic confidence sequences
/// (Waudby-Smith et al., arXiv 2103.06476, eq. 9 two-sided, eq. 134 one-sided) that stay valid
/// however often they are looked at. `tuning` (N*) is the total sample size they are tightest at.
enum SequentialTest {
    /// ρ for the mixture; one-sided sequences spend 2α on their single side.
    static func rho(alpha: Double, tuning: Double, twoSided: Bool) -> Double {
        let a = twoSided ? alpha : 2 * alpha
        return ((-2 * log(a) + log(-2 * log(a) + 1)) / tuning).squareRoot()
    }

    static func twoSidedHalfwidth(s2: Double, n: Double, alpha: Double, rho: Double) -> Double {
        let nr2 = n * rho * rho
        return s2.squareRoot()
            * (2 * (nr2 + 1) * log((nr2 + 1).squareRoot() / alpha) / (n * rho * n * rho)).squareRoot()
    }

    static func oneSidedHalfwidth(s2: Double, n: Double, alpha: Double, rho: Double) -> Double {
        let nr2 = n * rho * rho
        return (s2 * 2 * (nr2 + 1) / (n * rho * n * rho) * log(1 + (nr2 + 1).squareRoot() / (2 * alpha))).squareRoot()
    }

    /// `n` is the persons in both arms together.
    static func effect(
        _ moments: EffectMoments, n: Double, alpha: Double, tuning: Double,
        alternative: Alternative
    ) -> (Effect, problem: String?) {
        let se = moments.standardError
        let estimate = moments.estimate
        let s2 = moments.variance * n
        var effect = Effect(estimate: estimate, standardError: se)
        switch alternative {
        case .twoSided:
            let r = rho(alpha: alpha, tuning: tuning, twoSided: true)
            let width = twoSidedHalfwidth(s2: s2, n: n, alpha: alpha, rho: r)
            effect.lower = estimate - width
            effect.upper = estimate + width
            // The e-value of the mixture (eq. 155); its inverse, capped at 1, is an always-valid p-value.
            let st2 = estimate * estimate * n / moments.variance
            let tr2p1 = n * r * r + 1
            let logE = r * r * st2 / (2 * tr2p1) - 0.5 * log(tr2p1)
            effect.pValue = logE <= 0 ? 1 : exp(-logE)
            return (effect, nil)
        case .greater, .less:
            let r = rho(alpha: alpha, tuning: tuning, twoSided: false)
            let width = oneSidedHalfwidth(s2: s2, n: n, alpha: alpha, rho: r)
            if alternative == .greater { effect.lower = estimate - width } else { effect.upper = estimate + width }
            let (p, problem) = oneSidedPValue(
                estimate: estimate, s2: s2, n: n, rho: r, greater: alternative == .greater)
            effect.pValue = p
            return (effect, problem)
        }
    }

    /// The smallest alpha whose one-sided sequence excludes 0, by gbstats' bisection over
    /// [1e-5, 0.4999] with ρ held at the configured alpha's value. The answer is the midpoint after
    /// the last update, as gbstats returns it, so the p-values agree to the digit.
    static func oneSidedPValue(
        estimate: Double, s2: Double, n: Double, rho: Double,
        greater: Bool
    ) -> (Double?, String?) {
        func bound(_ alpha: Double) -> Double {
            let width = oneSidedHalfwidth(s2: s2, n: n, alpha: alpha, rho: rho)
            return greater ? estimate - width : estimate + width
        }
        var minAlpha = 1e-5
        var maxAlpha = 0.4999
        // Excludes 0 even at the smallest alpha: the p-value is at most that.
        if greater ? bound(minAlpha) > 0 : bound(minAlpha) < 0 { return (minAlpha, nil) }
        // Includes 0 even at the largest alpha: report the cap.
        if greater ? bound(maxAlpha) < 0 : bound(maxAlpha) > 0 { return (maxAlpha, nil) }
        var alpha = 0.5 * (minAlpha + maxAlpha)
        for _ in 0..<100 {
            let difference = bound(alpha)
            let alphaTooSmall = greater ? difference < 0 : difference > 0
            if alphaTooSmall { minAlpha = alpha } else { maxAlpha = alpha }
            alpha = 0.5 * (minAlpha + maxAlpha)
            if abs(difference) < 1e-6 { return (alpha, nil) }
        }
        return (nil, "the sequential p-value did not converge")
    }
}
