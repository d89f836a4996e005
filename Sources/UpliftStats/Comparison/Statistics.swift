/// The statistics engine's entry point: one treatment against control for one metric.
///
/// It follows GrowthBook's gbstats formula by formula (the golden vectors in the tests hold it to
/// them); where gbstats answers degenerate input with zeros, this answers with nil numbers and a
/// `problem` that says why.
package enum Statistics {
    package static func compare(
        control: MetricSums, treatment: MetricSums, shape: MetricShape,
        settings: AnalysisSettings = AnalysisSettings()
    ) -> Comparison {
        var result = Comparison(control: ArmSummary(n: control.n), treatment: ArmSummary(n: treatment.n))
        if let problem = settingsProblem(settings)
            ?? inputProblem(control, treatment, shape: shape, cuped: settings.cuped)
        {
            result.problem = problem
            return result
        }
        var a = ArmStatistic(control, shape: shape, cuped: settings.cuped)
        var b = ArmStatistic(treatment, shape: shape, cuped: settings.cuped)
        result.control = ArmSummary(a)
        result.treatment = ArmSummary(b)
        if let problem = sampleProblem(a, b) {
            result.problem = problem
            return result
        }

        // CUPED: one theta pooled over both arms; without variance to regress on, no adjustment.
        if settings.cuped {
            let theta: Double
            switch (a, b) {
            case (.adjusted(let sa), .adjusted(let sb)): theta = AdjustedMoments.pooledTheta(sa, sb)
            case (.adjustedRatio(let sa), .adjustedRatio(let sb)):
                let t = AdjustedRatioMoments.pooledTheta(sa, sb)
                theta = abs(t) < 1e-8 ? 0 : t
            default: theta = 0
            }
            if theta == 0 || !theta.isFinite {
                a = a.unadjusted
                b = b.unadjusted
            } else {
                a = a.with(theta: theta)
                b = b.with(theta: theta)
                result.theta = theta
            }
        }

        var problems: [String] = []
        let degreesOfFreedom = EffectMoments.welchDegreesOfFreedom(a, b)
        if settings.method == .frequentist {
            result.degreesOfFreedom = degreesOfFreedom
        }
        let absolute = EffectMoments.absolute(a, b)
        result.absolute = effect(
            absolute, a: a, b: b, relativeScale: false, settings: settings,
            degreesOfFreedom: degreesOfFreedom, problems: &problems)
        if a.unadjustedMean == 0 || a.mean == 0 {
            problems.append("the control mean is 0, so the relative lift is undefined (the absolute lift is reported)")
        } else {
            result.relative = effect(
                EffectMoments.relative(a, b), a: a, b: b, relativeScale: true,
                settings: settings, degreesOfFreedom: degreesOfFreedom, problems: &problems)
        }
        if !problems.isEmpty { result.problem = problems.joined(separator: "; ") }
        return result
    }

    private static func effect(
        _ moments: EffectMoments, a: ArmStatistic, b: ArmStatistic, relativeScale: Bool,
        settings: AnalysisSettings, degreesOfFreedom: Double?,
        problems: inout [String]
    ) -> Effect? {
        let scale = relativeScale ? "relative" : "absolute"
        guard moments.variance > 0, moments.variance.isFinite, moments.estimate.isFinite else {
            problems.append("the \(scale) lift has no positive finite variance")
            return nil
        }
        var effect: Effect
        switch settings.method {
        case .frequentist:
            guard let df = degreesOfFreedom else {
                problems.append("the Welch degrees of freedom are undefined")
                return nil
            }
            effect = FrequentistTest.effect(
                moments, degreesOfFreedom: df, alpha: settings.alpha,
                alternative: settings.alternative)
        case .sequential:
            let (sequential, problem) = SequentialTest.effect(
                moments, n: a.n + b.n, alpha: settings.alpha,
                tuning: settings.sequentialTuning,
                alternative: settings.alternative)
            effect = sequential
            if let problem { problems.append(problem) }
        case .bayesian:
            // The prior is stated on the relative lift; on the absolute scale it is scaled by the baseline.
            var prior = settings.prior
            if !relativeScale, let relativePrior = prior {
                let base = a.unadjustedMean
                if base == 0 {
                    problems.append(
                        "the control mean is 0, so the relative prior cannot be scaled to the absolute lift")
                    return nil
                }
                prior = GaussianPrior(
                    mean: relativePrior.mean * abs(base), variance: relativePrior.variance * base * base)
            }
            effect = BayesianTest.effect(moments, prior: prior, alpha: settings.alpha, inverse: settings.inverse)
        }
        guard effect.isFinite else {
            problems.append("the \(scale) lift overflowed (the sums are too extreme)")
            return nil
        }
        return effect
    }

    private static func settingsProblem(_ s: AnalysisSettings) -> String? {
        if !(s.alpha > 0 && s.alpha < 1) { return "alpha must be between 0 and 1 (it is \(s.alpha))" }
        if s.method == .sequential {
            if !(s.sequentialTuning > 0 && s.sequentialTuning.isFinite) {
                return "the sequential tuning parameter N* must be positive (it is \(s.sequentialTuning))"
            }
            if s.alternative != .twoSided && s.alpha >= 0.5 {
                return "a one-sided sequential test needs alpha below 0.5"
            }
        }
        if s.method == .bayesian, let prior = s.prior,
            !(prior.variance > 0 && prior.variance.isFinite && prior.mean.isFinite)
        {
            return "the prior needs a positive finite variance and a finite mean"
        }
        return nil
    }

    /// Components the shape needs, with and without CUPED.
    package static func components(shape: MetricShape, cuped: Bool) -> Int {
        (shape == .ratio ? 2 : 1) * (cuped ? 2 : 1)
    }

    private static func inputProblem(
        _ control: MetricSums, _ treatment: MetricSums, shape: MetricShape,
        cuped: Bool
    ) -> String? {
        let needed = components(shape: shape, cuped: cuped)
        for (name, sums) in [("control", control), ("treatment", treatment)] {
            // The CUPED layout starts with the plain one, so sums made for CUPED also serve without it.
            let allowed = cuped ? [needed] : [needed, components(shape: shape, cuped: true)]
            if !allowed.contains(sums.components) || sums.products.count != sums.components * (sums.components + 1) / 2
            {
                return "the \(name) sums have \(sums.components) components; a \(shape.rawValue) metric"
                    + (cuped ? " with CUPED" : "") + " needs \(needed) (see MetricSums)"
            }
            if sums.n < 0 { return "the \(name) has a negative person count" }
            if !(sums.sums + sums.products).allSatisfy(\.isFinite) {
                return "the \(name) sums are not finite numbers"
            }
        }
        if control.n == 0 || treatment.n == 0 {
            let empty = [control.n == 0 ? "control" : nil, treatment.n == 0 ? "treatment" : nil].compactMap { $0 }
            return "no persons in \(empty.joined(separator: " and ")) yet: nothing to compare"
        }
        if control.n < 2 || treatment.n < 2 {
            return "each variant needs at least 2 persons to estimate a variance"
        }
        return nil
    }

    /// Variances as the data give them, before any adjustment (as gbstats checks them).
    private static func sampleProblem(_ a: ArmStatistic, _ b: ArmStatistic) -> String? {
        for (name, arm) in [("control", a), ("treatment", b)] where arm.hasZeroDenominator {
            return "the \(name) denominator sums to 0, so its ratio is undefined"
        }
        let va = a.unadjusted.variance
        let vb = b.unadjusted.variance
        // Rounding in Σy² − (Σy)²/n can leave a constant metric a hair below zero; beyond that the sums
        // are inconsistent.
        func negative(_ v: Double, _ s: ArmStatistic) -> Bool {
            v < -1e-12 * (abs(v) + s.unadjustedMean * s.unadjustedMean)
        }
        func zero(_ v: Double, _ s: ArmStatistic) -> Bool {
            v <= 1e-12 * (abs(v) + s.unadjustedMean * s.unadjustedMean)
        }
        if negative(va, a) || negative(vb, b) || !va.isFinite || !vb.isFinite {
            return "the sums give a negative variance (Σy² is smaller than (Σy)²/n): they are inconsistent"
        }
        // gbstats refuses when either arm has zero variance; one constant arm (everyone in treatment
        // converted) still leaves the other's variance to test with, so only both is a problem here.
        if zero(va, a) && zero(vb, b) {
            return "the metric does not vary within either variant (zero variance): there is nothing to test"
        }
        return nil
    }
}

extension ArmStatistic {
    /// A ratio whose denominator (post or pre) sums to 0: gbstats reads it as a 0 mean; here it is undefined.
    var hasZeroDenominator: Bool {
        switch self {
        case .plain, .adjusted: false
        case .ratio(let s): s.d.sum == 0
        case .adjustedRatio(let s): s.dPost.sum == 0 || s.dPre.sum == 0
        }
    }
}

extension ArmSummary {
    init(n: Int) { self.init(n: n, mean: nil, stddev: nil) }

    /// One arm's unadjusted mean and standard deviation on its own (the control's line of a report);
    /// nil numbers when the sums cannot give them.
    package init(_ sums: MetricSums, shape: MetricShape) {
        guard sums.n > 0, sums.components >= Statistics.components(shape: shape, cuped: false),
            sums.sums.allSatisfy(\.isFinite), sums.products.allSatisfy(\.isFinite)
        else {
            self.init(n: sums.n)
            return
        }
        self.init(ArmStatistic(sums, shape: shape, cuped: false))
    }

    init(_ s: ArmStatistic) {
        let v = s.unadjustedVariance
        self.init(
            n: Int(s.n), mean: s.unadjustedMean.isFinite ? s.unadjustedMean : nil,
            stddev: v.isFinite ? max(0, v).squareRoot() : nil)
    }
}

extension Effect {
    var isFinite: Bool {
        [
            estimate, standardError, lower ?? 0, upper ?? 0, pValue ?? 0, chanceToWin ?? 0,
            expectedLoss?.control ?? 0, expectedLoss?.treatment ?? 0,
        ].allSatisfy(\.isFinite)
    }
}

extension ArmStatistic {
    /// The arm's statistic from its sums, by the component layout documented on `MetricSums`.
    init(_ s: MetricSums, shape: MetricShape, cuped: Bool) {
        let n = Double(s.n)
        let proportion = shape == .proportion
        func moments(_ i: Int) -> Moments {
            Moments(n: n, sum: s.sums[i], sumSquares: s.product(i, i), isProportion: proportion)
        }
        switch (shape, cuped) {
        case (.proportion, false), (.mean, false):
            self = .plain(moments(0))
        case (.proportion, true), (.mean, true):
            self = .adjusted(AdjustedMoments(post: moments(0), pre: moments(1), postPreSumOfProducts: s.product(0, 1)))
        case (.ratio, false):
            self = .ratio(RatioMoments(m: moments(0), d: moments(1), mdSumOfProducts: s.product(0, 1)))
        case (.ratio, true):
            self = .adjustedRatio(
                AdjustedRatioMoments(
                    mPost: moments(0), dPost: moments(1), mPre: moments(2), dPre: moments(3),
                    mPostMPre: s.product(0, 2), dPostDPre: s.product(1, 3), mPreDPre: s.product(2, 3),
                    mPostDPost: s.product(0, 1), mPostDPre: s.product(0, 3), mPreDPost: s.product(2, 1)))
        }
    }
}
