public import UpliftModel

extension JSONValue {
    package static func int(_ n: Int) -> JSONValue { .number(String(n)) }

    /// A finite double as its shortest round-trip text; NaN and infinities (never expected) as null.
    package static func double(_ x: Double) -> JSONValue {
        guard x.isFinite else { return .null }
        if x == x.rounded(), abs(x) < 1e15 { return .number(String(Int64(x))) }
        return .number(String(x))
    }

    package static func double(_ x: Double?) -> JSONValue { x.map { double($0) } ?? .null }
    package static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}

/// `part / whole`, 0 when `whole` is 0.
func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
