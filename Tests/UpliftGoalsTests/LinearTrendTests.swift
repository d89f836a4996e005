import Testing
import UpliftGoals

/// The fit and its prediction interval against hand computations and scipy
/// (`stats.linregress`, `stats.t.ppf`, via the Python of `Paths.python()`).
struct LinearTrendTests {
    @Test func fitsByHand() throws {
        // x̄ = 2, ȳ = 3, Sxx = 10, Sxy = 8: slope 0.8, intercept 1.4; residuals −0.4, 0.8, −1, 1.2, −0.6,
        // SSR = 3.6, s = √(3.6 / 3).
        let t = try #require(LinearTrend.fit(x: [0, 1, 2, 3, 4], y: [1, 3, 2, 5, 4]))
        #expect(abs(t.slope - 0.8) < 1e-12 && abs(t.intercept - 1.4) < 1e-12)
        #expect(abs((t.residualStandardError ?? 0) - (1.2).squareRoot()) < 1e-12)
        #expect(abs(t.predict(7) - 7.0) < 1e-12)
    }

    @Test(arguments: [(0.8, 3.549058510753431, 10.450941489246569), (0.95, 0.2941695280970764, 13.705830471902924)])
    func predictionIntervalMatchesScipy(_ confidence: Double, _ low: Double, _ high: Double) throws {
        let t = try #require(LinearTrend.fit(x: [0, 1, 2, 3, 4], y: [1, 3, 2, 5, 4]))
        let interval = try #require(t.predictionInterval(7, confidence: confidence))
        #expect(abs(interval.low - low) < 1e-6 && abs(interval.high - high) < 1e-6)
    }

    @Test func exactLineHasAZeroWidthInterval() throws {
        let t = try #require(LinearTrend.fit(x: [3, 4, 5, 6], y: [10, 12, 14, 16]))
        #expect(abs(t.slope - 2) < 1e-12 && abs(t.predict(10) - 24) < 1e-12)
        let i = try #require(t.predictionInterval(10, confidence: 0.8))
        #expect(abs(i.low - 24) < 1e-9 && abs(i.high - 24) < 1e-9)
    }

    @Test func fewPointsHaveNoInterval() throws {
        let one = try #require(LinearTrend.fit(x: [5], y: [3]))
        #expect(one.slope == 0 && one.predict(9) == 3 && one.predictionInterval(9, confidence: 0.8) == nil)
        let two = try #require(LinearTrend.fit(x: [0, 1], y: [1, 2]))
        #expect(two.predict(3) == 4 && two.predictionInterval(3, confidence: 0.8) == nil)
        #expect(LinearTrend.fit(x: [], y: []) == nil)
        #expect(LinearTrend.fit(x: [1], y: [1, 2]) == nil)
    }
}
