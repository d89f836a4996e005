import Testing
import UpliftStats

/// The 15 golden vectors transcribed from GrowthBook's (and Spotify confidence's) own test suites.
@Suite struct GBStatsVectorTests {
    static let vectors = try! JSON.load("gbstats-vectors.json")
    static func vector(_ id: String) -> JSON { vectors.entry(id) }

    /// Checks an effect against `{expected, se, p_value, ci}` (any of them present).
    func check(
        _ effect: Effect?, _ e: JSON, _ tol: Double, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let effect else {
            Issue.record("\(what): no effect", sourceLocation: sourceLocation)
            return
        }
        if let x = e["expected"].double {
            expectClose(effect.estimate, x, tol, "\(what) estimate", sourceLocation: sourceLocation)
        }
        if let x = e["se"].double ?? e["posterior_sd"].double {
            expectClose(effect.standardError, x, tol, "\(what) se", sourceLocation: sourceLocation)
        }
        if let x = e["p_value"].double {
            expectClose(effect.pValue, x, tol, "\(what) p", sourceLocation: sourceLocation)
        }
        if let x = e["chance_to_win"].double {
            expectClose(effect.chanceToWin, x, tol, "\(what) ctw", sourceLocation: sourceLocation)
        }
        if !e["risk"].isNull {
            expectClose(
                effect.expectedLoss?.control, e["risk"][0].double, tol, "\(what) risk control",
                sourceLocation: sourceLocation)
            expectClose(
                effect.expectedLoss?.treatment, e["risk"][1].double, tol, "\(what) risk treatment",
                sourceLocation: sourceLocation)
        }
        if !e["ci"].isNull {
            for (k, actual) in [effect.lower, effect.upper].enumerated() {
                let bound = e["ci"][k].double
                if let bound, bound.isInfinite {
                    #expect(actual == nil, "\(what) ci[\(k)] is unbounded", sourceLocation: sourceLocation)
                } else {
                    expectClose(actual, bound, tol, "\(what) ci[\(k)]", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func v1WelchTwoSidedMean() {
        let v = Self.vector("V1")
        let r = Statistics.compare(
            control: Sums.arm(v["inputs"]["control"]), treatment: Sums.arm(v["inputs"]["treatment"]),
            shape: .mean)
        #expect(r.problem == nil)
        check(r.relative, v["expected"]["relative"], 5e-6, "relative")
        check(r.absolute, v["expected"]["absolute"], 5e-6, "absolute")
    }

    @Test func v2WelchProportion() {
        let v = Self.vector("V2")
        let r = Statistics.compare(
            control: Sums.arm(v["inputs"]["control"]), treatment: Sums.arm(v["inputs"]["treatment"]),
            shape: .proportion)
        check(r.relative, v["expected"], 5e-6, "relative")
    }

    @Test func v3OneSided() {
        let v = Self.vector("V3")
        let (c, t) = (Sums.arm(v["inputs"]["control"]), Sums.arm(v["inputs"]["treatment"]))
        let greater = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(alternative: .greater))
        check(greater.relative, v["expected"]["relative"], 1e-9, "greater relative")
        check(greater.absolute, v["expected"]["absolute"], 1e-9, "greater absolute")
        let less = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(alternative: .less))
        check(less.relative, v["expected"]["lesser_relative_for_reference"], 1e-9, "lesser relative")
    }

    @Test(arguments: ["mean_tuning_1000", "proportion_tuning_5000"])
    func v4SequentialTwoSided(_ name: String) {
        let v = Self.vector("V4")
        let input = v["inputs"][name]
        let shape: MetricShape = input["metric"].string == "proportion" ? .proportion : .mean
        let r = Statistics.compare(
            control: Sums.arm(input["control"]), treatment: Sums.arm(input["treatment"]), shape: shape,
            settings: .init(
                method: .sequential,
                sequentialTuning: input["sequential_tuning_parameter"].double ?? 0))
        check(r.relative, v["expected"][name], 5e-6, name)
    }

    @Test(arguments: ["greater_relative", "greater_absolute", "lesser_relative", "lesser_absolute"])
    func v5SequentialOneSided(_ name: String) {
        let v = Self.vector("V5")
        let r = Statistics.compare(
            control: Sums.arm(v["inputs"]["control"]), treatment: Sums.arm(v["inputs"]["treatment"]),
            shape: .mean,
            settings: .init(method: .sequential, alternative: name.hasPrefix("greater") ? .greater : .less))
        check(name.hasSuffix("relative") ? r.relative : r.absolute, v["expected"][name], 1e-5, name)
    }

    @Test func v6BayesianProportion() {
        let v = Self.vector("V6")
        let r = Statistics.compare(
            control: Sums.arm(v["inputs"]["control"]), treatment: Sums.arm(v["inputs"]["treatment"]),
            shape: .proportion, settings: .init(method: .bayesian))
        check(r.relative, v["expected"], 5e-6, "relative")
    }

    @Test func v7BayesianMeanWithAndWithoutPrior() {
        let v = Self.vector("V7")
        let (c, t) = (Sums.arm(v["inputs"]["ab_test"]["control"]), Sums.arm(v["inputs"]["ab_test"]["treatment"]))
        let flat = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(method: .bayesian))
        check(flat.relative, v["expected"]["ab_test"]["flat_prior"], 5e-6, "flat")
        let informed = Statistics.compare(
            control: c, treatment: t, shape: .mean,
            settings: .init(method: .bayesian, prior: GaussianPrior(mean: 0.1, variance: 0.1)))
        check(informed.relative, v["expected"]["ab_test"]["prior_mean_0.1_var_0.1"], 5e-6, "prior")
        let risk = ExpectedLoss.gaussian(mean: 0.1, sd: 0.05)
        expectClose(risk.control, v["expected"]["get_risk"]["risk"][0].double, 1e-10, "risk control")
        expectClose(risk.treatment, v["expected"]["get_risk"]["risk"][1].double, 1e-10, "risk treatment")
    }

    @Test func v8EndToEndMean() {
        let v = Self.vector("V8")
        let (c, t) = (Sums.arm(v["inputs"]["control"]), Sums.arm(v["inputs"]["treatment"]))
        let e = v["expected"]
        let frequentist = Statistics.compare(control: c, treatment: t, shape: .mean)
        expectClose(frequentist.control.mean, e["control_cr"].double, 5e-9, "control mean")
        expectClose(frequentist.treatment.mean, e["treatment_cr"].double, 5e-9, "treatment mean")
        expectClose(frequentist.relativeLift, e["expected"].double, 5e-9, "lift")
        expectClose(frequentist.pValue, e["p_value"].double, 5e-9, "p")
        let bayes = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(method: .bayesian))
        expectClose(bayes.chanceToWin, e["chance_to_win"].double, 5e-9, "ctw")
        expectClose(bayes.expectedLoss?.treatment, e["risk_treatment"].double, 5e-9, "risk treatment")
        let inverse = Statistics.compare(
            control: c, treatment: t, shape: .mean, settings: .init(method: .bayesian, inverse: true))
        expectClose(inverse.chanceToWin, e["inverse_metric"]["chance_to_win"].double, 5e-9, "inverse ctw")
        expectClose(inverse.expectedLoss?.treatment, e["inverse_metric"]["risk_treatment"].double, 5e-9, "inverse risk")
    }

    static func ratioSums(_ j: JSON) -> MetricSums {
        Sums.make(
            n: j["n"].int ?? 0, sums: [j["m_sum"].double ?? 0, j["d_sum"].double ?? 0],
            products: [
                [j["m_sum_squares"].double ?? 0, j["md_sum_products"].double ?? 0],
                [0, j["d_sum_squares"].double ?? 0],
            ])
    }

    @Test func v9Ratio() {
        let v = Self.vector("V9")
        let (c, t) = (Self.ratioSums(v["inputs"]["control"]), Self.ratioSums(v["inputs"]["treatment"]))
        let e = v["expected"]
        let frequentist = Statistics.compare(control: c, treatment: t, shape: .ratio)
        expectClose(frequentist.control.mean, e["control_cr"].double, 5e-9, "control mean")
        expectClose(frequentist.treatment.mean, e["treatment_cr"].double, 5e-9, "treatment mean")
        expectClose(frequentist.relativeLift, e["expected"].double, 5e-9, "lift")
        expectClose(frequentist.pValue, e["p_value"].double, 5e-9, "p")
        let bayes = Statistics.compare(control: c, treatment: t, shape: .ratio, settings: .init(method: .bayesian))
        expectClose(bayes.chanceToWin, e["chance_to_win"].double, 5e-9, "ctw")
        expectClose(bayes.expectedLoss?.treatment, e["risk_treatment"].double, 5e-9, "risk treatment")
    }

    static func cupedSums(_ j: JSON) -> MetricSums {
        Sums.make(
            n: j["n"].int ?? 0, sums: [j["y_sum"].double ?? 0, j["x_sum"].double ?? 0],
            products: [
                [j["y_sum_squares"].double ?? 0, j["xy_sum_products"].double ?? 0],
                [0, j["x_sum_squares"].double ?? 0],
            ])
    }

    @Test(arguments: ["count", "binomial"])
    func v10Cuped(_ name: String) {
        let v = Self.vector("V10")
        let (c, t) = (Self.cupedSums(v["inputs"]["control"]), Self.cupedSums(v["inputs"]["treatment"]))
        let e = v["expected"][name]
        let r = Statistics.compare(
            control: c, treatment: t, shape: name == "count" ? .mean : .proportion,
            settings: .init(cuped: true))
        #expect(r.theta != nil)
        if let x = e["control_cr"].double { expectClose(r.control.mean, x, 5e-9, "control mean") }
        if let x = e["treatment_cr"].double { expectClose(r.treatment.mean, x, 5e-9, "treatment mean") }
        expectClose(r.relativeLift, e["expected"].double, 5e-9, "lift")
        expectClose(r.pValue, e["p_value"].double, name == "count" ? 5e-9 : 5e-9, "p")
    }

    /// Components [m, d, mPre, dPre] from the fixture's named sums and products.
    static func cupedRatioSums(_ j: JSON, n: Int) -> MetricSums {
        let names = ["m_post", "d_post", "m_pre", "d_pre"]
        let sums = names.map { j[$0][0].double ?? 0 }
        var products = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for i in 0..<4 { products[i][i] = j[names[i]][1].double ?? 0 }
        products[0][1] = j["m_post_d_post"].double ?? 0
        products[0][2] = j["m_post_m_pre"].double ?? 0
        products[0][3] = j["m_post_d_pre"].double ?? 0
        products[1][2] = j["m_pre_d_post"].double ?? 0
        products[1][3] = j["d_post_d_pre"].double ?? 0
        products[2][3] = j["m_pre_d_pre"].double ?? 0
        return Sums.make(n: n, sums: sums, products: products)
    }

    @Test func v11CupedRatio() {
        let v = Self.vector("V11")
        let n = v["inputs"]["n"].int ?? 0
        let (c, t) = (
            Self.cupedRatioSums(v["inputs"]["control"], n: n), Self.cupedRatioSums(v["inputs"]["treatment"], n: n)
        )
        let fixed = Statistics.compare(control: c, treatment: t, shape: .ratio, settings: .init(cuped: true))
        check(fixed.relative, v["expected"]["fixed"], 5e-6, "fixed")
        let sequential = Statistics.compare(
            control: c, treatment: t, shape: .ratio, settings: .init(method: .sequential, cuped: true))
        check(sequential.relative, v["expected"]["sequential"], 5e-6, "sequential")
    }

    @Test(arguments: 0..<10)
    func v12SampleRatioMismatch(_ k: Int) {
        let v = Self.vector("V12")
        let c = v["inputs"]["cases"][k]
        let srm = SampleRatioMismatch.check(
            counts: c[0].array.compactMap(\.int), weights: c[1].array.compactMap(\.double))
        expectClose(srm.pValue, v["expected"]["p_values"][k].double, 5e-10, "case \(k)")
        #expect(srm.flagged == (srm.pValue < 0.001))
    }

    @Test func v13MultipleTesting() {
        let v = Self.vector("V13")
        for (method, name) in [
            (MultipleTesting.holmBonferroni as ([Double]) -> [Double], "holm_bonferroni"),
            (MultipleTesting.benjaminiHochberg, "benjamini_hochberg"),
        ] {
            let adjusted = method(v["inputs"][name].array.compactMap(\.double))
            let e = v["expected"][name]
            let sorted = e["adjusted_sorted"].isNull ? e["adjusted_sorted_rounded_8dp"] : e["adjusted_sorted"]
            let tolerance = e["adjusted_sorted"].isNull ? 5e-9 : 1e-12
            for (k, index) in e["original_index"].array.enumerated() {
                expectClose(adjusted[index.int ?? 0], sorted[k].double, tolerance, "\(name) #\(index.int ?? 0)")
            }
        }
    }

    @Test func v14Power() {
        let v = Self.vector("V14")
        let e = v["expected"]
        let p = v["inputs"]["power"]
        let plan = PowerPlan(
            mean: p["mean"].double ?? 0, variance: p["variance"].double ?? 0,
            variations: p["nVariations"].int ?? 0, alpha: 0.05)
        let users = p["totalUsers"].double ?? 0
        expectClose(plan.power(relativeEffect: 0.05, totalUsers: users), e["power_fixed"].double, 5e-6, "power")
        expectClose(plan.minimumDetectableEffect(totalUsers: users, power: 0.8), e["mde_fixed"].double, 5e-6, "mde")
        var sequential = plan
        sequential.sequentialTuning = 5000
        expectClose(
            sequential.power(relativeEffect: 0.05, totalUsers: users), e["power_sequential_N*5000"].double, 5e-6,
            "seq power")
        expectClose(
            sequential.minimumDetectableEffect(totalUsers: users, power: 0.8), e["mde_sequential_N*5000"].double, 5e-6,
            "seq mde")
        // frequentistVariance(2, 7, 4, 0.5, 5, 15) through the engine's arms: absolute and relative.
        let c = Sums.mean(n: 4, sum: 28, sumSquares: 2 * 3 + 4 * 49)
        let t = Sums.mean(n: 15, sum: 75, sumSquares: 0.5 * 14 + 15 * 25)
        let r = Statistics.compare(control: c, treatment: t, shape: .mean)
        expectClose(
            r.absolute.map { $0.standardError * $0.standardError }, e["frequentistVariance_absolute"].double, 5e-6,
            "abs var")
        expectClose(
            r.relative.map { $0.standardError * $0.standardError }, e["frequentistVariance_relative"].double, 5e-6,
            "rel var")
    }

    @Test func v15SpotifyWelch() {
        let v = Self.vector("V15")
        let r = Statistics.compare(
            control: Sums.arm(v["inputs"]["control"]), treatment: Sums.arm(v["inputs"]["treatment"]),
            shape: .mean)
        let e = v["expected"]
        // Source test tolerance rtol 1e-3; the values are given to 6 decimals, so check 1e-6.
        expectClose(r.absoluteLift, e["difference"].double, 1e-6, "difference")
        expectClose(r.absolute?.lower, e["ci"][0].double, 1e-6, "ci lower")
        expectClose(r.absolute?.upper, e["ci"][1].double, 1e-6, "ci upper")
        expectClose(r.absolute?.pValue, e["p_value"].double, 1e-6, "p")
    }
}
