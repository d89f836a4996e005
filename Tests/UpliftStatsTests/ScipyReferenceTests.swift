import Testing
import UpliftStats

/// UpliftStats against reference values computed with scipy and numpy by
/// Fixtures/make_scipy_reference.py (Tests/interop/test_stats_reference.py proves the fixture is
/// what that script produces). Comparisons agree to 5 decimals (relative for values above 1);
/// distributions to 1e-9 relative.
@Suite struct ScipyReferenceTests {
    static let reference = try! JSON.load("scipy-reference.json")
    static let distributions = reference["distributions"]

    static func sums(_ j: JSON) -> MetricSums {
        let values = j["sums"].array.compactMap(\.double)
        var s = MetricSums(components: values.count)
        s.n = j["n"].int ?? 0
        s.sums = values
        s.products = j["products"].array.compactMap(\.double)
        return s
    }

    static func settings(_ c: JSON) -> AnalysisSettings {
        var s = AnalysisSettings(
            method: AnalysisMethod(rawValue: c["method"].string ?? "") ?? .frequentist,
            alpha: c["alpha"].double ?? 0.05,
            alternative: Alternative(rawValue: c["alternative"].string ?? "") ?? .twoSided,
            cuped: (c["cuped"].value as? Bool) ?? false)
        if let tuning = c["sequential_tuning"].double { s.sequentialTuning = tuning }
        if !c["prior"].isNull {
            s.prior = GaussianPrior(mean: c["prior"]["mean"].double ?? 0, variance: c["prior"]["variance"].double ?? 0)
        }
        return s
    }

    static func compare(_ c: JSON) -> Comparison {
        Statistics.compare(
            control: sums(c["control"]), treatment: sums(c["treatment"]),
            shape: MetricShape(rawValue: c["shape"].string ?? "") ?? .mean, settings: settings(c))
    }

    func check(_ effect: Effect?, _ e: JSON, _ what: String) {
        if e.isNull {
            #expect(effect == nil, "\(what): expected no effect")
            return
        }
        guard let effect else {
            Issue.record("\(what): no effect")
            return
        }
        expectNear(effect.estimate, e["estimate"].double, "\(what) estimate")
        expectNear(effect.standardError, e["se"].double, "\(what) se")
        for (name, actual) in [("lower", effect.lower), ("upper", effect.upper)] {
            if e[name].isNull {
                #expect(actual == nil, "\(what) \(name) is unbounded")
            } else {
                expectNear(actual, e[name].double, "\(what) \(name)")
            }
        }
        if !e["p_value"].isNull { expectNear(effect.pValue, e["p_value"].double, "\(what) p") }
        if !e["chance_to_win"].isNull {
            expectNear(effect.chanceToWin, e["chance_to_win"].double, "\(what) chance to win")
            expectNear(effect.expectedLoss?.control, e["loss_control"].double, "\(what) loss control")
            expectNear(effect.expectedLoss?.treatment, e["loss_treatment"].double, "\(what) loss treatment")
        }
    }

    @Test(arguments: reference["comparisons"].array)
    func comparison(_ c: JSON) {
        let r = Self.compare(c)
        let e = c["expected"]
        #expect(r.problem == nil, "\(r.problem ?? "")")
        expectNear(r.control.mean, e["control_mean"].double, "control mean")
        expectNear(r.treatment.mean, e["treatment_mean"].double, "treatment mean")
        if !e["control_stddev"].isNull { expectNear(r.control.stddev, e["control_stddev"].double, "control stddev") }
        if !e["treatment_stddev"].isNull {
            expectNear(r.treatment.stddev, e["treatment_stddev"].double, "treatment stddev")
        }
        if !e["theta"].isNull { expectNear(r.theta, e["theta"].double, "theta") }
        if !e["degrees_of_freedom"].isNull {
            expectNear(r.degreesOfFreedom, e["degrees_of_freedom"].double, "df", decimals: 1e-6)
        }
        check(r.absolute, e["absolute"], "absolute")
        check(r.relative, e["relative"], "relative")
        if let unadjusted = e["unadjusted_absolute_se"].double, let se = r.absolute?.standardError {
            #expect(se < unadjusted, "CUPED narrows the standard error")
        }
    }

    @Test(arguments: reference["degenerate"].array)
    func degenerate(_ c: JSON) throws {
        let r = Self.compare(c)
        let problem = try #require(r.problem, "a degenerate input names its problem")
        #expect(!problem.isEmpty)
        check(r.absolute, c["expected"]["absolute"], "absolute")
        check(r.relative, c["expected"]["relative"], "relative")
        // Whatever is reported is finite, so it encodes as JSON.
        for x in [r.control.mean, r.control.stddev, r.treatment.mean, r.treatment.stddev, r.theta, r.degreesOfFreedom] {
            #expect(x?.isFinite ?? true)
        }
    }

    /// Also the degenerate inputs under the other methods: never a number that is not finite.
    @Test(arguments: reference["degenerate"].array, [AnalysisMethod.bayesian, .sequential])
    func degenerateOtherMethods(_ c: JSON, _ method: AnalysisMethod) {
        var settings = Self.settings(c)
        settings.method = method
        let r = Statistics.compare(
            control: Self.sums(c["control"]), treatment: Self.sums(c["treatment"]),
            shape: MetricShape(rawValue: c["shape"].string ?? "") ?? .mean, settings: settings)
        #expect(r.problem != nil)
        #expect(r.relative == nil)
        for effect in [r.absolute, r.relative].compactMap({ $0 }) {
            #expect(effect.isAllFinite)
        }
    }

    @Test func normal() {
        for c in Self.distributions["normal"].array {
            let x = c["x"].double ?? 0
            expectRelative(Normal.cdf(x), c["cdf"].double, "Φ(\(x))")
            expectRelative(Normal.sf(x), c["sf"].double, "1 − Φ(\(x))")
        }
        for c in Self.distributions["normal_ppf"].array {
            let p = c["p"].double ?? 0
            expectRelative(Normal.quantile(p), c["ppf"].double, "Φ⁻¹(\(p))")
        }
    }

    @Test func studentT() {
        for c in Self.distributions["t"].array {
            let (x, df) = (c["x"].double ?? 0, c["df"].double ?? 0)
            expectRelative(StudentT.cdf(x, df: df), c["cdf"].double, "t cdf(\(x); \(df))")
            expectRelative(StudentT.sf(x, df: df), c["sf"].double, "t sf(\(x); \(df))")
        }
        for c in Self.distributions["t_ppf"].array {
            let (p, df) = (c["p"].double ?? 0, c["df"].double ?? 0)
            expectRelative(StudentT.quantile(p, df: df), c["ppf"].double, "t ppf(\(p); \(df))")
        }
    }

    @Test func chiSquare() {
        for c in Self.distributions["chi2"].array {
            let (x, df) = (c["x"].double ?? 0, c["df"].double ?? 0)
            expectRelative(ChiSquare.sf(x, df: df), c["sf"].double, "χ² sf(\(x); \(df))")
        }
    }

    @Test(arguments: reference["srm"].array)
    func sampleRatioMismatch(_ c: JSON) {
        let srm = SampleRatioMismatch.check(
            counts: c["counts"].array.compactMap(\.int), weights: c["weights"].array.compactMap(\.double))
        expectRelative(srm.pValue, c["p_value"].double, "srm p", tolerance: 1e-7)
        #expect(srm.flagged == ((c["flagged"].value as? Bool) ?? false))
    }

    @Test(arguments: reference["corrections"].array)
    func corrections(_ c: JSON) {
        let p = c["p_values"].array.compactMap(\.double)
        for (k, x) in MultipleTesting.holmBonferroni(p).enumerated() {
            expectClose(x, c["holm"][k].double, 1e-12, "holm \(k)")
        }
        for (k, x) in MultipleTesting.benjaminiHochberg(p).enumerated() {
            expectClose(x, c["bh"][k].double, 1e-12, "bh \(k)")
        }
    }

    @Test(arguments: reference["power"].array)
    func power(_ c: JSON) {
        let plan = PowerPlan(
            mean: c["mean"].double ?? 0, variance: c["variance"].double ?? 0,
            variations: c["variations"].int ?? 2, alpha: c["alpha"].double ?? 0.05,
            twoSided: (c["two_sided"].value as? Bool) ?? true, sequentialTuning: c["sequential_tuning"].double)
        let total = c["total"].double ?? 0
        let effect = c["effect"].double ?? 0
        expectNear(plan.power(relativeEffect: effect, totalUsers: total), c["power"].double, "power")
        if c["mde"].isNull {
            #expect(plan.minimumDetectableEffect(totalUsers: total) == nil)
        } else {
            expectNear(plan.minimumDetectableEffect(totalUsers: total), c["mde"].double, "mde")
        }
        #expect(plan.personsPerVariant(relativeEffect: effect) == c["persons_per_variant"].int)
    }
}

func expectRelative(
    _ actual: Double?, _ expected: Double?, _ what: String, tolerance: Double = 1e-9,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let actual, let expected else {
        Issue.record("\(what): missing value", sourceLocation: sourceLocation)
        return
    }
    if expected == 0 {
        // scipy underflows to 0 where we may return a subnormal.
        #expect(abs(actual) < 1e-300, "\(what): \(actual) vs 0", sourceLocation: sourceLocation)
        return
    }
    if expected.isInfinite {
        #expect(actual == expected, "\(what): \(actual) vs \(expected)", sourceLocation: sourceLocation)
        return
    }
    #expect(
        abs(actual - expected) <= tolerance * abs(expected), "\(what): \(actual) vs \(expected)",
        sourceLocation: sourceLocation)
}

extension Effect {
    var isAllFinite: Bool {
        [
            estimate, standardError, lower ?? 0, upper ?? 0, pValue ?? 0, chanceToWin ?? 0,
            expectedLoss?.control ?? 0, expectedLoss?.treatment ?? 0,
        ].allSatisfy(\.isFinite)
    }
}
