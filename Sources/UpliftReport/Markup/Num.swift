/// Deterministic number-to-text conversion (no locale, no exponent notation): the same input
/// gives the same bytes on every platform.
enum Num {
    /// A coordinate with at most one decimal; non-finite values become 0 so markup stays valid.
    static func coord(_ v: Double) -> String { fixed(v, decimals: 1, trim: true) }

    /// `v` rounded to `decimals` places. With `trim`, trailing zeros (and the dot) are dropped.
    static func fixed(_ v: Double, decimals: Int, trim: Bool = false) -> String {
        guard v.isFinite else { return "0" }
        let d = max(0, min(decimals, 6))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        // Clamp: charts never need more, and it keeps the Int64 conversion safe.
        let clamped = max(-1e15, min(1e15, v))
        let scaled = (clamped * scale).rounded()
        var n = Int64(scaled)
        let negative = n < 0
        if negative { n = -n }
        let p = Int64(scale)
        var whole = String(n / p)
        var frac = ""
        if d > 0 {
            let f = String(n % p)
            frac = String(repeating: "0", count: d - f.count) + f
            if trim { while frac.hasSuffix("0") { frac.removeLast() } }
        }
        if negative && (n != 0) { whole = "-" + whole }
        return frac.isEmpty ? whole : whole + "." + frac
    }

    /// Thousands separators: `1234567` → `1,234,567`.
    static func grouped(_ text: String) -> String {
        var sign = ""
        var body = Substring(text)
        if body.hasPrefix("-") {
            sign = "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return sign + out
    }

    /// Decimal places needed to tell ticks `step` apart (0…4).
    static func decimals(forStep step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var d = 0
        var s = step
        while d < 4 && (s - s.rounded()).magnitude > 1e-9 * max(1, s.magnitude) {
            s *= 10
            d += 1
        }
        return d
    }
}
