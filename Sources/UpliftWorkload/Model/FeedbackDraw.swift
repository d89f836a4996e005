/// Draws feedback answers from the distributions planted in `Truth+Feedback`, using a session's
/// own random stream so that answers depend only on the seed.
package enum FeedbackDraw {
    /// Cumulative weights of detractor scores 0...6: most unhappy people still say 5 or 6.
    private static let detractorCumulative: [Double] = cumulative([0.04, 0.03, 0.05, 0.08, 0.12, 0.28, 0.40])
    private static let csatControl = cumulative(Truth.csatWeights(treatment: false))
    private static let csatTreatment = cumulative(Truth.csatWeights(treatment: true))

    /// An NPS score 0...10 at `progress` through the period (0 start, 1 end).
    package static func npsScore(progress: Double, rng: inout SplitMix64) -> Int {
        let shares = Truth.npsShares(progress: progress)
        let u = rng.unit()
        if u < shares.promoters { return 9 + rng.below(2) }
        if u < 1 - shares.detractors { return 7 + rng.below(2) }
        return pick(detractorCumulative, rng.unit())
    }

    /// A CSAT score 1...5 for a person in the given arm of the checkout experiment.
    package static func csatScore(treatment: Bool, rng: inout SplitMix64) -> Int {
        1 + pick(treatment ? csatTreatment : csatControl, rng.unit())
    }

    /// The lexicon fragment of an answer: `first` without a comment, else `first + 1 + i` for a
    /// comment i of the score's band (`bands` index into the survey's comment list).
    package static func fragment(
        score: Int, scale: Int, first: Int, bands: [Range<Int>], rng: inout SplitMix64
    ) -> Int {
        guard rng.chance(Truth.commentShare) else { return first }
        let band = bands[Truth.feedbackBand(score: score, scale: scale)]
        return first + 1 + band.lowerBound + rng.below(band.count)
    }

    private static func cumulative(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var sum = 0.0
        return weights.map {
            sum += $0 / total
            return sum
        }
    }

    /// Index of the first cumulative weight above `u` (the last one if rounding leaves a gap).
    private static func pick(_ cumulative: [Double], _ u: Double) -> Int {
        cumulative.firstIndex { u < $0 } ?? cumulative.count - 1
    }
}
