/// A linear axis with "nice" ticks: steps of 1, 2 or 5 × 10^k, bounds on whole steps.
package struct LinearScale: Sendable, Hashable {
    package let lower: Double
    package let upper: Double
    package let step: Double

    /// A scale covering `min…max` with about `targetTicks` intervals. Degenerate input
    /// (equal bounds, non-finite values) still gives a usable, non-empty scale.
    package init(min: Double, max: Double, targetTicks: Int = 5) {
        var lo = min.isFinite ? min : 0
        var hi = max.isFinite ? max : 0
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * Swift.max(1, Swift.max(lo.magnitude, hi.magnitude)) {
            // One value: give it room on both sides (or 0…1 for zero).
            let pad = lo == 0 ? 1 : lo.magnitude * 0.1
            lo -= lo == 0 ? 0 : pad
            hi += pad
        }
        let step = Self.niceStep((hi - lo) / Double(Swift.max(1, targetTicks)))
        self.step = step
        self.lower = (lo / step).rounded(.down) * step
        self.upper = (hi / step).rounded(.up) * step
    }

    /// The tick values, computed by index so they do not accumulate rounding error.
    package var ticks: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        guard n >= 0, n <= 1000 else { return [lower, upper] }
        return (0...n).map { i in
            let v = lower + Double(i) * step
            return v.magnitude < step * 1e-9 ? 0 : v
        }
    }

    /// Maps a value to the pixel range `from…to` (which may run backwards, as y axes do).
    package func position(_ v: Double, from: Double, to: Double) -> Double {
        guard upper > lower else { return from }
        return from + (v - lower) / (upper - lower) * (to - from)
    }

    /// The 1, 2 or 5 × 10^k nearest to `rough` (Heckbert's "nice numbers", rounding variant),
    /// so the axis gets between about 0.7× and 1.4× the requested number of intervals.
    package static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        // 10^k by integer powers, divided for negative k, keeps steps such as 0.0005 exact
        // enough to print and to compare.
        var k = 0
        var up = 1.0
        if rough >= 1 {
            while up * 10 <= rough {
                up *= 10
                k += 1
            }
        } else {
            while rough * up < 1 {
                up *= 10
                k -= 1
            }
        }
        let magnitude = k >= 0 ? up : 1 / up
        let norm = rough / magnitude
        let nice: Double = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10
        return k >= 0 ? nice * magnitude : nice / up
    }
}
