import TestSupport
import Testing
import UpliftModel

@testable import UpliftReport

struct AxisTests {
    @Test(arguments: [
        (0.0, 1.0, 0.2), (0.0, 97.0, 20.0), (3.0, 7.0, 1.0), (0.0, 0.237, 0.05),
        (-42.0, 61.0, 20.0), (0.0, 12_345_678.0, 2_000_000.0), (0.001, 0.0042, 0.0005),
    ])
    func niceSteps(_ c: (Double, Double, Double)) {
        let s = LinearScale(min: c.0, max: c.1, targetTicks: 5)
        #expect(abs(s.step - c.2) < c.2 * 1e-9, "step \(s.step) for \(c.0)…\(c.1)")
        #expect(s.lower <= c.0 && s.upper >= c.1)
        let ticks = s.ticks
        #expect(ticks.count >= 3 && ticks.count <= 12)
        // Every step is 1, 2 or 5 × 10^k.
        var m = s.step
        while m >= 10 { m /= 10 }
        while m < 1 { m *= 10 }
        #expect([1.0, 2.0, 5.0].contains { abs($0 - m) < 1e-6 })
    }

    @Test func degenerateScalesStayUsable() {
        for (lo, hi) in [(0.0, 0.0), (5.0, 5.0), (Double.nan, 1), (-Double.infinity, .infinity), (3, 1)] {
            let s = LinearScale(min: lo, max: hi)
            #expect(s.upper > s.lower)
            #expect(s.step > 0 && s.step.isFinite)
            #expect(s.ticks.count >= 2)
        }
    }

    @Test func unitLabels() {
        #expect(ValueUnit.percent.tick(0.25, step: 0.05) == "25%")
        #expect(ValueUnit.percent.tick(0.025, step: 0.005) == "2.5%")
        #expect(ValueUnit.count.tick(12_000, step: 2_000) == "12k")
        #expect(ValueUnit.count.tick(2_500, step: 500) == "2,500")
        #expect(ValueUnit.count.tick(3_500_000, step: 500_000) == "3.5M")
        #expect(ValueUnit.count.tick(0, step: 1_000_000) == "0")
        #expect(ValueUnit.currency(symbol: "$").tick(1_500, step: 500) == "$1,500")
        #expect(ValueUnit.currency(symbol: "€").tick(-20_000, step: 10_000) == "-€20k")
        #expect(ValueUnit.count.format(1_234_567) == "1,234,567")
        // Decimals fade as values grow (forecasts are not whole numbers).
        #expect(ValueUnit.count.format(12.5) == "12.5" && ValueUnit.count.format(347.9) == "348")
        #expect(ValueUnit.number.format(58_773.54) == "58,774" && ValueUnit.number.format(123.46) == "123.5")
        #expect(ValueUnit.number.format(15.24) == "15.24")
        #expect(ValueUnit.percent.format(0.2371) == "23.7%")
        #expect(ValueUnit.currency(symbol: "$").format(1234.5) == "$1,234.50")
        #expect(ValueUnit.number.format(-12.345) == "-12.35")
        #expect(ValueUnit.number.format(.nan) == "–")
    }

    @Test func dateAxisPicksGranularity() throws {
        let start = try #require(UTCDay("2026-10-01"))
        let short = DateAxis(first: start, last: start.adding(days: 10))
        #expect(short.granularity == .day)
        #expect(short.ticks.count <= 8)
        #expect(short.label(start) == "Oct 1")

        let weeks = DateAxis(first: start, last: start.adding(days: 90))
        #expect(weeks.granularity == .week)
        #expect(weeks.ticks.allSatisfy { $0.weekday == 0 })

        let months = DateAxis(first: start, last: start.adding(days: 400))
        #expect(months.granularity == .month)
        #expect(months.ticks.allSatisfy { $0.components.day == 1 })
        #expect(months.ticks.count <= 8)
        #expect(months.label(try #require(UTCDay("2027-01-01"))) == "Jan 2027")
    }

    @Test func numbersAreDeterministicText() {
        #expect(Num.coord(12.345) == "12.3")
        #expect(Num.coord(-0.04) == "0")
        #expect(Num.coord(.nan) == "0")
        #expect(Num.fixed(0.1 + 0.2, decimals: 2) == "0.30")
        #expect(Num.grouped("-1234567.5") == "-1,234,567.5")
    }
}
