/// How a metric's values read: the unit decides tick labels, data labels and table cells.
package enum ValueUnit: Sendable, Hashable {
    /// Whole things (persons, events): `950`, `12,400` in tables; `12.4k`, `3.2M` on axes.
    case count
    /// A fraction shown as a percentage: `0.237` → `23.7%`.
    case percent
    /// Money with a symbol placed before the number: `$1.2k`, `€40.50`.
    case currency(symbol: String)
    /// A plain number (averages, scores such as NPS on −100…100).
    case number

    /// A tick label; `step` is the distance between ticks and decides the decimals.
    package func tick(_ v: Double, step: Double) -> String {
        switch self {
        case .percent:
            return Num.fixed(v * 100, decimals: Num.decimals(forStep: step * 100)) + "%"
        case .count, .number:
            return Self.compact(v, step: step)
        case .currency(let symbol):
            let body = Self.compact(v.magnitude, step: step)
            return (v < 0 && body != "0" ? "-" : "") + symbol + body
        }
    }

    /// A value written in full for labels and tables: `12,400`, `23.7%`, `$1,234.50`.
    package func format(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        switch self {
        case .count:
            // A forecast of a count has decimals; from 100 on they are noise.
            let whole = (v - v.rounded()).magnitude < 1e-9 || v.magnitude >= 100
            return Num.grouped(Num.fixed(v, decimals: whole ? 0 : 1))
        case .percent:
            return Num.fixed(v * 100, decimals: 1) + "%"
        case .number:
            // Decimals shrink as the number grows: 0.37, 15.2, 58,774 (not 58,773.54).
            let whole = (v - v.rounded()).magnitude < 1e-9
            let m = v.magnitude
            let decimals = whole || m >= 1000 ? 0 : m >= 100 ? 1 : 2
            return Num.grouped(Num.fixed(v, decimals: decimals, trim: decimals > 0))
        case .currency(let symbol):
            let whole = (v - v.rounded()).magnitude < 1e-9
            let body = Num.grouped(Num.fixed(v.magnitude, decimals: whole ? 0 : 2))
            return (v < 0 ? "-" : "") + symbol + body
        }
    }

    /// `12.5k`, `3M`, `1.2B`: the suffix follows the tick's magnitude, decimals follow the step.
    static func compact(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let m = max(v.magnitude, step.magnitude)
        let (div, suffix): (Double, String) =
            m >= 1e9 ? (1e9, "B") : m >= 1e6 ? (1e6, "M") : m >= 1e4 ? (1e3, "k") : (1, "")
        let text = Num.fixed(v / div, decimals: Num.decimals(forStep: step / div))
        return (div == 1 ? Num.grouped(text) : text + suffix)
    }
}
