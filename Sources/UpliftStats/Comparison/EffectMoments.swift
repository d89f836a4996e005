/// The estimate of an effect and the variance of that estimate (gbstats EffectMoments), before any
/// test is applied to it.
struct EffectMoments: Sendable, Hashable {
    var estimate: Double
    var variance: Double

    var standardError: Double { variance.squareRoot() }

    /// Treatment minus control on the (adjusted) means; the variance adds the arms' variances of the mean.
    static func absolute(_ a: ArmStatistic, _ b: ArmStatistic) -> EffectMoments {
        EffectMoments(estimate: b.mean - a.mean, variance: b.variance / b.n + a.variance / a.n)
    }

    /// (treatment − control) / control, over the unadjusted control mean, with the delta-method
    /// variance; CUPED shapes use gbstats' dedicated formulas, which carry theta's covariance terms.
    static func relative(_ a: ArmStatistic, _ b: ArmStatistic) -> EffectMoments {
        let base = a.unadjustedMean
        let estimate = (b.mean - a.mean) / base
        switch (a, b) {
        case (.adjusted(let sa), .adjusted(let sb)):
            return EffectMoments(estimate: estimate, variance: relativeCupedVariance(sa, sb))
        case (.adjustedRatio(let sa), .adjustedRatio(let sb)):
            return EffectMoments(estimate: estimate, variance: relativeCupedRatioVariance(sa, sb))
        default:
            let variance = varianceOfRatios(
                meanM: b.unadjustedMean, varianceM: b.variance / b.n, meanD: base,
                varianceD: a.variance / a.n, covariance: 0)
            return EffectMoments(estimate: estimate, variance: variance)
        }
    }

    /// gbstats frequentist_variance_relative_cuped.
    private static func relativeCupedVariance(_ a: AdjustedMoments, _ b: AdjustedMoments) -> Double {
        let base = a.post.mean
        let theta = a.theta
        let treatment = b.variance / (b.n * base * base)
        let scaledTreatmentMean = -b.post.mean / base
        let control =
            a.post.variance * scaledTreatmentMean * scaledTreatmentMean
            + 2 * theta * a.covariance * scaledTreatmentMean
            + theta * theta * a.pre.variance
        return treatment + control / (a.n * base * base)
    }

    /// gbstats frequentist_variance_relative_cuped_ratio: the delta method through the relative lift
    /// of the adjusted ratio, arm by arm.
    private static func relativeCupedRatioVariance(_ a: AdjustedRatioMoments, _ b: AdjustedRatioMoments) -> Double {
        let difference = b.mean - a.mean
        let base = abs(a.meanPost)
        let dMean = a.dPost.mean
        let mMean = a.mPost.mean
        let nablaA0 = -(base + difference) / dMean / (base * base)
        let nablaA1 = (mMean * base / (dMean * dMean) + mMean * difference / (dMean * dMean)) / (base * base)
        let aNabla = a.nabla
        let controlGradient = [nablaA0, nablaA1, -aNabla[2] / base, -aNabla[3] / base]
        let treatmentGradient = b.nabla.map { $0 / base }
        return quadratic(controlGradient, a.lambda, rows: 0..<4, columns: 0..<4) / a.n
            + quadratic(treatmentGradient, b.lambda, rows: 0..<4, columns: 0..<4) / b.n
    }

    /// Welch–Satterthwaite degrees of freedom from the arms' per-person variances; nil if undefined.
    static func welchDegreesOfFreedom(_ a: ArmStatistic, _ b: ArmStatistic) -> Double? {
        let va = a.variance
        let vb = b.variance
        let na = a.n
        let nb = b.n
        let numerator = (vb / nb + va / na) * (vb / nb + va / na)
        let denominator = vb * vb / (nb * nb * (nb - 1)) + va * va / (na * na * (na - 1))
        guard denominator > 0, numerator.isFinite, denominator.isFinite else { return nil }
        return numerator / denominator
    }
}
