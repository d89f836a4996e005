#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Planning a test of relative lift (gbstats/GrowthBook frequentist power, normal approximation,
/// delta-method variance, persons split evenly across variations): the power for a lift, the
/// smallest detectable lift, and the persons needed.
package struct PowerPlan: Sendable, Hashable, Codable {
    /// The baseline per-person mean and variance of the metric.
    package var mean: Double
    package var variance: Double
    /// Variations including control; the total persons are split evenly among them.
    package var variations: Int
    package var alpha: Double
    package var twoSided: Bool
    /// N* when the analysis will be sequential (its intervals are wider); nil for a fixed horizon.
    package var sequentialTuning: Double?

    package init(
        mean: Double, variance: Double, variations: Int = 2, alpha: Double = 0.05, twoSided: Bool = true,
        sequentialTuning: Double? = nil
    ) {
        self.mean = mean
        self.variance = variance
        self.variations = variations
        self.alpha = alpha
        self.twoSided = twoSided
        self.sequentialTuning = sequentialTuning
    }

    /// The baseline taken from control's sums so far (nil when they cannot give a mean and variance).
    package init?(
        baseline: MetricSums, shape: MetricShape, variations: Int = 2, alpha: Double = 0.05,
        twoSided: Bool = true, sequentialTuning: Double? = nil
    ) {
        guard baseline.n >= 2, baseline.components >= Statistics.components(shape: shape, cuped: false) else {
            return nil
        }
        let arm = ArmStatistic(baseline, shape: shape, cuped: false)
        guard arm.mean != 0, arm.variance > 0, arm.variance.isFinite else { return nil }
        self.init(
            mean: arm.mean, variance: arm.variance, variations: variations, alpha: alpha, twoSided: twoSided,
            sequentialTuning: sequentialTuning)
    }

    private var isValid: Bool {
        mean != 0 && mean.isFinite && variance > 0 && variance.isFinite && variations >= 2 && alpha > 0 && alpha < 1
            && (sequentialTuning.map { $0 > 0 } ?? true)
    }

    /// The relative-lift variance for `perVariation` persons in each arm (GrowthBook frequentistVariance).
    private func relativeVariance(effect: Double, perVariation: Double) -> Double {
        let treatmentMean = mean * (1 + effect)
        return variance / (mean * mean * perVariation)
            + variance * treatmentMean * treatmentMean / (mean * mean * mean * mean * perVariation)
    }

    /// n·Var inflated so that a fixed-horizon z* gives the sequential interval's width.
    private func sequentialVariance(_ v: Double, n: Double, tuning: Double) -> Double {
        let rho = SequentialTest.rho(alpha: alpha, tuning: tuning, twoSided: true)
        let zSequential =
            n.squareRoot()
            * (2 * (n * rho * rho + 1) * log((n * rho * rho + 1).squareRoot() / alpha)
            / (n * rho * n * rho)).squareRoot()
        let zStar = Normal.quantile(1 - alpha / 2)
        let se = (v / n).squareRoot() * zSequential / zStar
        return n * se * se
    }

    /// The probability of a significant result when the true relative lift is `relativeEffect`
    /// and `totalUsers` persons are split across the variations.
    package func power(relativeEffect effect: Double, totalUsers: Double) -> Double? {
        guard isValid, totalUsers > 0, effect.isFinite else { return nil }
        let perVariation = totalUsers / Double(variations)
        let zStar = Normal.quantile(twoSided ? 1 - alpha / 2 : 1 - alpha)
        var v = relativeVariance(effect: effect, perVariation: perVariation)
        if let tuning = sequentialTuning {
            v = sequentialVariance(v, n: 2 * perVariation, tuning: tuning)
        }
        let standardized = effect / v.squareRoot()
        var power = Normal.sf(zStar - standardized)
        if twoSided { power += Normal.cdf(-zStar - standardized) }
        return power.isFinite ? power : nil
    }

    /// The smallest relative lift found with probability `power` (GrowthBook findMde: always the
    /// two-sided z*, solved as a quadratic in the treatment mean). nil when no lift is detectable
    /// with this many persons.
    package func minimumDetectableEffect(totalUsers: Double, power: Double = 0.8) -> Double? {
        guard isValid, totalUsers > 0, power > alpha, power < 1 else { return nil }
        let perVariation = totalUsers / Double(variations)
        let z = Normal.quantile(1 - alpha / 2) - Normal.quantile(1 - power)
        var v = variance
        if let tuning = sequentialTuning { v = sequentialVariance(variance, n: 2 * perVariation, tuning: tuning) }
        guard perVariation > v * z * z / (mean * mean) else { return nil }
        let sigma2 = v / perVariation
        let a = 1 - z * z * sigma2 / (mean * mean)
        let b = -2 * mean
        let c = mean * mean - z * z * sigma2
        let root = (-b + (b * b - 4 * a * c).squareRoot()) / (2 * a)
        let mde = (root - mean) / mean
        return mde.isFinite ? mde : nil
    }

    /// The persons per variation for `power` at `relativeEffect`: the smallest whole number that
    /// reaches it. nil when it is out of reach (a zero lift, or beyond 10¹² persons).
    package func personsPerVariant(relativeEffect effect: Double, power target: Double = 0.8) -> Int? {
        guard isValid, effect != 0, target > 0, target < 1 else { return nil }
        func reaches(_ perVariant: Double) -> Bool {
            (power(relativeEffect: effect, totalUsers: perVariant * Double(variations)) ?? 0) >= target
        }
        var high = 2.0
        while !reaches(high) {
            high *= 2
            if high > 1e12 { return nil }
        }
        var low = high / 2
        if reaches(low) { return Int(low) }
        // Power rises with n: bisect on whole persons between a miss and a hit.
        while high - low > 1 {
            let middle = ((low + high) / 2).rounded(.down)
            if reaches(middle) { high = middle } else { low = middle }
        }
        return Int(high)
    }

    /// How many more persons each variation still needs, having `perVariantSoFar`, to reach `power`
    /// at `relativeEffect` (0 when already there). The decision layer divides it by the daily rate.
    package func personsStillNeeded(perVariantSoFar: Int, relativeEffect: Double, power: Double = 0.8) -> Int? {
        guard let needed = personsPerVariant(relativeEffect: relativeEffect, power: power) else { return nil }
        return max(0, needed - perVariantSoFar)
    }
}
