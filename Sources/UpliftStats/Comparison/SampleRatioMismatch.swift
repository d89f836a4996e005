/// The sample ratio mismatch check: do the persons per variant fit the planned weights?
package struct SampleRatioMismatch: Sendable, Hashable, Codable {
    /// The chi-square goodness-of-fit p-value (1 when there is nothing to test).
    package var pValue: Double
    /// p below the threshold: the assignment or the exposure logging is broken; results are suspect.
    package var flagged: Bool
    /// Why the check could not run, when it could not.
    package var problem: String?

    /// gbstats' and GrowthBook's threshold.
    package static let threshold = 0.001

    /// Chi-square of `counts` against `weights` (any positive scale). Variants with weight 0 are left
    /// out of the total and of the degrees of freedom, as GrowthBook's checkSrm does.
    package static func check(counts: [Int], weights: [Double], threshold: Double = threshold) -> SampleRatioMismatch {
        guard counts.count == weights.count else {
            return SampleRatioMismatch(
                pValue: 1, flagged: false,
                problem: "\(counts.count) counts for \(weights.count) weights: they must pair up")
        }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), counts.allSatisfy({ $0 >= 0 }) else {
            return SampleRatioMismatch(pValue: 1, flagged: false, problem: "weights and counts must not be negative")
        }
        let kept = zip(counts, weights).filter { $0.1 > 0 }
        let total = Double(kept.reduce(0) { $0 + $1.0 })
        let totalWeight = kept.reduce(0) { $0 + $1.1 }
        guard kept.count >= 2 else {
            return SampleRatioMismatch(pValue: 1, flagged: false, problem: "fewer than two variants with a weight")
        }
        guard total > 0 else {
            return SampleRatioMismatch(pValue: 1, flagged: false, problem: "no persons yet")
        }
        var x = 0.0
        for (observed, weight) in kept {
            let expected = weight / totalWeight * total
            let d = Double(observed) - expected
            x += d * d / expected
        }
        let p = ChiSquare.sf(x, df: Double(kept.count - 1))
        return SampleRatioMismatch(pValue: p, flagged: p < threshold, problem: nil)
    }
}
