import Foundation
import Testing
import UpliftStats

/// The public API's contract beyond the reference numbers: bad input never crashes or leaks a
/// non-finite number, results encode as JSON, sums merge, and the settings do what they say.
@Suite struct StatisticsAPITests {
    static let control = Sums.mean(n: 3407, sum: 1396.87, sumSquares: 52377.9767)
    static let treatment = Sums.mean(n: 3461, sum: 2422.7, sumSquares: 134698.29)

    @Test func oneSidedResultEncodesOpenBoundAsNull() throws {
        let r = Statistics.compare(
            control: Self.control, treatment: Self.treatment, shape: .mean,
            settings: .init(alternative: .greater))
        #expect(r.relative?.upper == nil && r.relative?.lower != nil)
        let json = try #require(String(data: JSONEncoder().encode(r), encoding: .utf8))
        #expect(!json.contains("inf") && !json.contains("nan"))
        let decoded = try JSONDecoder().decode(Comparison.self, from: Data(json.utf8))
        #expect(decoded == r)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        var control: MetricSums
        var treatment: MetricSums
        var shape: MetricShape
        var settings: AnalysisSettings
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = {
        var nanSums = control
        nanSums.sums[0] = .nan
        var infinite = control
        infinite.products[0] = .infinity
        var negativeN = control
        negativeN.n = -3
        var huge = control
        huge.sums[0] = 1e300
        huge.products[0] = 1e308
        var cupedPlain = control
        cupedPlain = MetricSums(components: 1)
        cupedPlain.n = 10
        return [
            BadInput(name: "NaN sum", control: nanSums, treatment: treatment, shape: .mean, settings: .init()),
            BadInput(
                name: "infinite product", control: infinite, treatment: treatment, shape: .mean, settings: .init()),
            BadInput(name: "negative n", control: negativeN, treatment: treatment, shape: .mean, settings: .init()),
            BadInput(
                name: "CUPED without pre components", control: cupedPlain, treatment: cupedPlain, shape: .mean,
                settings: .init(cuped: true)),
            BadInput(
                name: "ratio from one component", control: control, treatment: treatment, shape: .ratio,
                settings: .init()),
            BadInput(name: "alpha 0", control: control, treatment: treatment, shape: .mean, settings: .init(alpha: 0)),
            BadInput(
                name: "alpha above 1", control: control, treatment: treatment, shape: .mean, settings: .init(alpha: 1.5)
            ),
            BadInput(
                name: "prior without variance", control: control, treatment: treatment, shape: .mean,
                settings: .init(method: .bayesian, prior: GaussianPrior(mean: 0, variance: 0))),
            BadInput(
                name: "one-sided sequential at alpha 0.6", control: control, treatment: treatment, shape: .mean,
                settings: .init(method: .sequential, alpha: 0.6, alternative: .less)),
            BadInput(
                name: "N* of 0", control: control, treatment: treatment, shape: .mean,
                settings: .init(method: .sequential, sequentialTuning: 0)),
            BadInput(name: "overflowing sums", control: huge, treatment: treatment, shape: .mean, settings: .init()),
        ]
    }()

    @Test(arguments: badInputs)
    func badInputIsAProblemNotACrash(_ input: BadInput) throws {
        let r = Statistics.compare(
            control: input.control, treatment: input.treatment, shape: input.shape,
            settings: input.settings)
        let problem = try #require(r.problem)
        #expect(!problem.isEmpty)
        #expect(r.relative == nil)
        // Encoding fails on NaN or infinity, so this also proves every number is finite.
        _ = try JSONEncoder().encode(r)
    }

    @Test func constantArmWithRoundingIsNotNegative() {
        // Σy² − (Σy)²/n for a constant 0.1 is a hair off zero; that is zero variance, not inconsistency.
        var c = MetricSums(components: 1)
        for _ in 0..<1000 { c.add(0.1) }
        var t = MetricSums(components: 1)
        for i in 0..<1000 { t.add(0.1 + Double(i % 3) * 0.01) }
        let one = Statistics.compare(control: c, treatment: t, shape: .mean)
        #expect(one.problem == nil)
        #expect(one.relative != nil)
        let both = Statistics.compare(control: c, treatment: c, shape: .mean)
        #expect(both.problem?.contains("does not vary") == true)
    }

    @Test func mergedPartialSumsGiveTheSameAnswer() {
        var rng = SeededGenerator(seed: 5)
        var whole = MetricSums(components: 2)
        var first = MetricSums(components: 2)
        var second = MetricSums(components: 2)
        for i in 0..<500 {
            let x = rng.normal()
            let y = 2 * x + rng.normal()
            whole.add(y, x)
            if i < 200 { first.add(y, x) } else { second.add(y, x) }
        }
        first.merge(second)
        let t = Self.shifted(whole)
        let a = Statistics.compare(control: whole, treatment: t, shape: .mean, settings: .init(cuped: true))
        let b = Statistics.compare(control: first, treatment: t, shape: .mean, settings: .init(cuped: true))
        #expect(abs((a.pValue ?? -1) - (b.pValue ?? 1)) < 1e-9)
        #expect(abs((a.theta ?? -1) - (b.theta ?? 1)) < 1e-9)
    }

    /// The same persons with y + 0.1 (a treatment with a small planted lift).
    static func shifted(_ s: MetricSums) -> MetricSums {
        var t = s
        let n = Double(s.n)
        t.sums[0] += 0.1 * n
        t.products[0] += 0.2 * s.sums[0] + 0.01 * n
        t.products[1] += 0.1 * s.sums[1]
        return t
    }

    @Test func swappingArmsNegatesTheAbsoluteLift() {
        let ab = Statistics.compare(control: Self.control, treatment: Self.treatment, shape: .mean)
        let ba = Statistics.compare(control: Self.treatment, treatment: Self.control, shape: .mean)
        #expect(abs((ab.absoluteLift ?? 0) + (ba.absoluteLift ?? 0)) < 1e-12)
        #expect(abs((ab.absolute?.pValue ?? 0) - (ba.absolute?.pValue ?? 1)) < 1e-12)
    }

    @Test func cupedWithoutCovariateVarianceFallsBackToPlain() {
        var c = MetricSums(components: 2)
        var t = MetricSums(components: 2)
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<300 {
            c.add(rng.normal(), 1)
            t.add(rng.normal() + 0.2, 1)
        }
        let cuped = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(cuped: true))
        let plain = Statistics.compare(control: c, treatment: t, shape: .mean)
        #expect(cuped.theta == nil)
        #expect(cuped.relative == plain.relative)
        // CUPED-layout sums analysed without CUPED read only the post component.
        #expect(plain.problem == nil)
    }

    @Test func bayesianInverseFlipsChanceAndLoss() throws {
        let normal = Statistics.compare(
            control: Self.control, treatment: Self.treatment, shape: .mean,
            settings: .init(method: .bayesian))
        let inverse = Statistics.compare(
            control: Self.control, treatment: Self.treatment, shape: .mean,
            settings: .init(method: .bayesian, inverse: true))
        let p = try #require(normal.chanceToWin)
        let q = try #require(inverse.chanceToWin)
        #expect(abs(p + q - 1) < 1e-12)
        #expect(normal.expectedLoss?.control == inverse.expectedLoss?.treatment)
        #expect(normal.pValue == nil && normal.degreesOfFreedom == nil)
    }

    @Test func confidenceLevelIsOneMinusAlpha() {
        var s = AnalysisSettings()
        s.confidence = 0.9
        #expect(abs(s.alpha - 0.1) < 1e-15)
        let wide = Statistics.compare(control: Self.control, treatment: Self.treatment, shape: .mean)
        let narrow = Statistics.compare(control: Self.control, treatment: Self.treatment, shape: .mean, settings: s)
        #expect((narrow.relative?.upper ?? 0) < (wide.relative?.upper ?? 0))
    }

    @Test func srmFlagsAndExplains() {
        #expect(SampleRatioMismatch.check(counts: [1000, 1200], weights: [0.5, 0.5]).flagged)
        #expect(!SampleRatioMismatch.check(counts: [1000, 1010], weights: [1, 1]).flagged)
        #expect(SampleRatioMismatch.check(counts: [1000], weights: [0.5, 0.5]).problem != nil)
        #expect(SampleRatioMismatch.check(counts: [-1, 3], weights: [0.5, 0.5]).problem != nil)
    }

    @Test func correctionsSkipMissingPValues() {
        let holm = MultipleTesting.holmBonferroni([0.01, nil, 0.04])
        #expect(holm[1] == nil)
        #expect(holm[0] == 0.02 && holm[2] == 0.04)
        let bh = MultipleTesting.benjaminiHochberg([nil, 0.01, 0.04])
        #expect(bh == [nil, 0.02, 0.04])
    }

    @Test func powerPlanHelpers() throws {
        let plan = PowerPlan(mean: 0.1, variance: 0.09)
        let needed = try #require(plan.personsPerVariant(relativeEffect: 0.1))
        #expect((plan.power(relativeEffect: 0.1, totalUsers: Double(2 * needed)) ?? 0) >= 0.8)
        #expect((plan.power(relativeEffect: 0.1, totalUsers: Double(2 * (needed - 1))) ?? 1) < 0.8)
        #expect(plan.personsStillNeeded(perVariantSoFar: 1000, relativeEffect: 0.1) == needed - 1000)
        #expect(plan.personsStillNeeded(perVariantSoFar: needed + 5, relativeEffect: 0.1) == 0)
        #expect(plan.personsPerVariant(relativeEffect: 0) == nil)
        #expect(PowerPlan(mean: 0, variance: 1).power(relativeEffect: 0.1, totalUsers: 100) == nil)
        // The sequential plan needs more persons than the fixed one.
        var sequential = plan
        sequential.sequentialTuning = 5000
        #expect((sequential.personsPerVariant(relativeEffect: 0.1) ?? 0) > needed)
        // A baseline straight from control's sums.
        let baseline = try #require(PowerPlan(baseline: Sums.proportion(n: 1000, conversions: 100), shape: .proportion))
        #expect(abs(baseline.mean - 0.1) < 1e-15 && abs(baseline.variance - 0.09) < 1e-15)
        #expect(PowerPlan(baseline: Sums.proportion(n: 1000, conversions: 0), shape: .proportion) == nil)
    }
}
