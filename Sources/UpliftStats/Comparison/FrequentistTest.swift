/// The Welch t-test on an effect (gbstats TwoSidedTTest, OneSidedTreatmentGreaterTTest,
/// OneSidedTreatmentLesserTTest): t distribution with Welch–Satterthwaite degrees of freedom.
enum FrequentistTest {
    static func effect(
        _ moments: EffectMoments, degreesOfFreedom df: Double, alpha: Double,
        alternative: Alternative
    ) -> Effect {
        let se = moments.standardError
        let estimate = moments.estimate
        let t = estimate / se
        var effect = Effect(estimate: estimate, standardError: se)
        switch alternative {
        case .twoSided:
            let width = StudentT.quantile(1 - alpha / 2, df: df) * se
            effect.lower = estimate - width
            effect.upper = estimate + width
            effect.pValue = min(1, 2 * StudentT.sf(abs(t), df: df))
        case .greater:
            effect.lower = estimate - StudentT.quantile(1 - alpha, df: df) * se
            effect.pValue = StudentT.sf(t, df: df)
        case .less:
            effect.upper = estimate + StudentT.quantile(1 - alpha, df: df) * se
            effect.pValue = StudentT.cdf(t, df: df)
        }
        return effect
    }
}
