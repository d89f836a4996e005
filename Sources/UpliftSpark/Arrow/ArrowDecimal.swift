/// An exact decimal as Arrow's Decimal128 holds it: `unscaled × 10^-scale` (Spark's `sum` over a decimal
/// column, or over a long column that it widens to decimal(20, 0) in some plans, comes back so).
package struct ArrowDecimal: Sendable, Hashable, CustomStringConvertible {
    // Two words rather than an Int128: a 16-byte-aligned payload made `ArrowValue` crash (a misaligned
    // aligned load) when Swift Testing passed one through its generic checks on x86_64 Linux.
    private var high: Int64
    private var low: UInt64
    package var scale: Int32

    package var unscaled: Int128 {
        get { Int128(high) << 64 | Int128(low) }
        set {
            high = Int64(truncatingIfNeeded: newValue >> 64)
            low = UInt64(truncatingIfNeeded: newValue)
        }
    }

    package init(unscaled: Int128, scale: Int32) {
        high = Int64(truncatingIfNeeded: unscaled >> 64)
        low = UInt64(truncatingIfNeeded: unscaled)
        self.scale = scale
    }

    /// The value when it is a whole number that fits in Int64 (`12.00` is 12; `12.50` is nil).
    package var int64: Int64? {
        if scale <= 0 {
            // A negative scale multiplies; 10^39 already overflows anything Int64 can hold.
            guard scale > -39 else { return unscaled == 0 ? 0 : nil }
            let (product, overflow) = unscaled.multipliedReportingOverflow(by: Self.power(of: -scale))
            return overflow ? nil : Int64(exactly: product)
        }
        guard scale < 39 else { return unscaled == 0 ? 0 : nil }
        let (quotient, remainder) = unscaled.quotientAndRemainder(dividingBy: Self.power(of: scale))
        return remainder == 0 ? Int64(exactly: quotient) : nil
    }

    /// The nearest Double to the exact value (parsing the exact text rounds once, where dividing by a
    /// power of ten would round twice for large unscaled values or scales past 22).
    package var double: Double {
        Double(description) ?? Double(unscaled)
    }

    /// The exact value in plain decimal notation: `-12.34`, `0.0001`, `12300` for scale -2.
    package var description: String {
        let digits = String(unscaled.magnitude)
        let sign = unscaled < 0 ? "-" : ""
        if scale <= 0 {
            return unscaled == 0 ? "0" : sign + digits + String(repeating: "0", count: -Int(scale))
        }
        let places = Int(scale)
        let padded = digits.count <= places ? String(repeating: "0", count: places - digits.count + 1) + digits : digits
        let point = padded.index(padded.endIndex, offsetBy: -places)
        return sign + String(padded[..<point]) + "." + String(padded[point...])
    }

    /// 10^exponent for 0 ≤ exponent ≤ 38 (the largest power of ten Int128 holds).
    private static func power(of exponent: Int32) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
