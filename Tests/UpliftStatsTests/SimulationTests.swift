import Foundation
import Testing
import UpliftStats

/// xoshiro256** seeded by SplitMix64: deterministic, so the simulations cannot flake.
struct SeededGenerator: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        let u = max(uniform(), 0x1p-60)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * uniform())
    }

    mutating func bernoulli(_ p: Double) -> Double { uniform() < p ? 1 : 0 }
}

/// Synthetic experiments: false-positive rates, sequential peeking, planned power and CUPED.
@Suite struct SimulationTests {
    /// Three binomial standard deviations around `rate` for `trials`.
    static func band(_ rate: Double, trials: Int) -> ClosedRange<Double> {
        let sd = (rate * (1 - rate) / Double(trials)).squareRoot()
        return (rate - 3 * sd)...(rate + 3 * sd)
    }

    static func arm(_ n: Int, _ draw: (inout SeededGenerator) -> Double, _ rng: inout SeededGenerator) -> MetricSums {
        var sums = MetricSums(components: 1)
        for _ in 0..<n { sums.add(draw(&rng)) }
        return sums
    }

    @Test(arguments: [MetricShape.proportion, .mean])
    func aaFalsePositiveRateIsAlpha(_ shape: MetricShape) {
        var rng = SeededGenerator(seed: shape == .proportion ? 11 : 12)
        let experiments = 2000
        // Proportions at 10 %, means log-normal (skewed like revenue).
        let draw: (inout SeededGenerator) -> Double =
            shape == .proportion ? { $0.bernoulli(0.1) } : { exp($0.normal()) }
        var positives = 0
        for _ in 0..<experiments {
            let c = Self.arm(600, draw, &rng)
            let t = Self.arm(600, draw, &rng)
            if let p = Statistics.compare(control: c, treatment: t, shape: shape).pValue, p < 0.05 { positives += 1 }
        }
        let rate = Double(positives) / Double(experiments)
        #expect(Self.band(0.05, trials: experiments).contains(rate), "false-positive rate \(rate)")
    }

    /// 14 daily looks at an A/A test: the sequential method's chance of ever crossing stays under
    /// alpha, where the fixed-horizon test's climbs well above it.
    @Test func sequentialSurvivesDailyPeeking() {
        var rng = SeededGenerator(seed: 21)
        let experiments = 800
        var sequentialHits = 0
        var fixedHits = 0
        let sequential = AnalysisSettings(method: .sequential)
        for _ in 0..<experiments {
            var c = MetricSums(components: 1)
            var t = MetricSums(components: 1)
            var sequentialCrossed = false
            var fixedCrossed = false
            for _ in 0..<14 {
                for _ in 0..<150 {
                    c.add(rng.bernoulli(0.2))
                    t.add(rng.bernoulli(0.2))
                }
                if let p = Statistics.compare(control: c, treatment: t, shape: .proportion, settings: sequential)
                    .pValue,
                    p < 0.05
                {
                    sequentialCrossed = true
                }
                if let p = Statistics.compare(control: c, treatment: t, shape: .proportion).pValue, p < 0.05 {
                    fixedCrossed = true
                }
            }
            if sequentialCrossed { sequentialHits += 1 }
            if fixedCrossed { fixedHits += 1 }
        }
        let sequentialRate = Double(sequentialHits) / Double(experiments)
        let fixedRate = Double(fixedHits) / Double(experiments)
        #expect(sequentialRate < 0.05, "sequential family-wise false-positive rate \(sequentialRate)")
        #expect(fixedRate > 0.1, "peeking at a fixed-horizon test inflates its error (\(fixedRate))")
    }

    /// A lift sized by PowerPlan for 80 % power is found about 80 % of the time.
    @Test(arguments: [MetricShape.proportion, .mean])
    func plannedPowerIsReached(_ shape: MetricShape) throws {
        var rng = SeededGenerator(seed: shape == .proportion ? 31 : 32)
        let (mean, variance, lift) = shape == .proportion ? (0.3, 0.21, 0.15) : (10.0, 100.0, 0.1)
        let plan = PowerPlan(mean: mean, variance: variance)
        let n = try #require(plan.personsPerVariant(relativeEffect: lift, power: 0.8))
        let expectedPower = try #require(plan.power(relativeEffect: lift, totalUsers: Double(2 * n)))
        let experiments = 1000
        var found = 0
        for _ in 0..<experiments {
            let c: MetricSums
            let t: MetricSums
            if shape == .proportion {
                c = Self.arm(n, { $0.bernoulli(mean) }, &rng)
                t = Self.arm(n, { $0.bernoulli(mean * (1 + lift)) }, &rng)
            } else {
                c = Self.arm(n, { mean + 10 * $0.normal() }, &rng)
                t = Self.arm(n, { mean * (1 + lift) + 10 * $0.normal() }, &rng)
            }
            if let p = Statistics.compare(control: c, treatment: t, shape: shape).pValue, p < 0.05 { found += 1 }
        }
        let rate = Double(found) / Double(experiments)
        #expect(expectedPower >= 0.8 && expectedPower < 0.81)
        #expect(Self.band(0.8, trials: experiments).contains(rate), "found the planted lift in \(rate) (n = \(n))")
    }

    /// A pre-period covariate correlated with the metric narrows the interval without biasing it.
    @Test func cupedNarrowsAndStaysUnbiased() {
        var rng = SeededGenerator(seed: 41)
        let experiments = 1000
        let n = 300
        let lift = 0.5
        var estimates: [Double] = []
        var covered = 0
        var ratioSum = 0.0
        for _ in 0..<experiments {
            var c = MetricSums(components: 2)
            var t = MetricSums(components: 2)
            for _ in 0..<n {
                let xc = 10 + 3 * rng.normal()
                c.add(xc + 2 * rng.normal(), xc)
                let xt = 10 + 3 * rng.normal()
                t.add(xt + 2 * rng.normal() + lift, xt)
            }
            let plain = Statistics.compare(control: c, treatment: t, shape: .mean)
            let adjusted = Statistics.compare(control: c, treatment: t, shape: .mean, settings: .init(cuped: true))
            guard let a = adjusted.absolute, let p = plain.absolute, let lower = a.lower, let upper = a.upper else {
                Issue.record("no result: \(adjusted.problem ?? "")")
                return
            }
            estimates.append(a.estimate)
            ratioSum += a.standardError / p.standardError
            if lower <= lift && lift <= upper { covered += 1 }
        }
        let meanEstimate = estimates.reduce(0, +) / Double(experiments)
        let sd = (estimates.map { ($0 - meanEstimate) * ($0 - meanEstimate) }.reduce(0, +) / Double(experiments - 1))
            .squareRoot()
        // Var(y | x) / Var(y) = 4 / 13: the standard error shrinks to about 55 %.
        let ratio = ratioSum / Double(experiments)
        #expect(ratio < 0.6 && ratio > 0.5, "CUPED standard error ratio \(ratio)")
        #expect(abs(meanEstimate - lift) < 3 * sd / Double(experiments).squareRoot(), "mean estimate \(meanEstimate)")
        let coverage = Double(covered) / Double(experiments)
        #expect(Self.band(0.95, trials: experiments).contains(coverage), "coverage \(coverage)")
    }
}
