/// gbstats EffectBayesianABTest: the effect estimate is taken as Gaussian with its delta-method
/// variance, combined with a flat or a Gaussian prior; chance to win, credible interval and expected
/// loss follow from the Gaussian posterior in closed form.
enum BayesianTest {
    /// `prior` is on the scale of this effect already (the caller rescales a relative prior).
    static func effect(_ moments: EffectMoments, prior: GaussianPrior?, alpha: Double, inverse: Bool) -> Effect {
        var precision = 1 / moments.variance
        var mean = moments.estimate
        if let prior {
            let dataPrecision = precision
            precision += 1 / prior.variance
            mean = (moments.estimate * dataPrecision + prior.mean / prior.variance) / precision
        }
        let sd = (1 / precision).squareRoot()
        let z = mean / sd
        var effect = Effect(estimate: mean, standardError: sd)
        let winProbability = Normal.cdf(z)
        effect.chanceToWin = inverse ? Normal.cdf(-z) : winProbability
        let width = Normal.quantile(1 - alpha / 2) * sd
        effect.lower = mean - width
        effect.upper = mean + width
        let loss = ExpectedLoss.gaussian(mean: mean, sd: sd)
        effect.expectedLoss = inverse ? ExpectedLoss(control: loss.treatment, treatment: loss.control) : loss
        return effect
    }
}
