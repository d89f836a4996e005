package import UpliftModel

/// A condition on one attribute of the person or event (`country`, `plan`, `tenant` …).
///
/// Rules: `eq`/`neq`/`in`/`not_in` compare numbers numerically when both sides are numbers, else the
/// text (a string's value, `true`/`false`, a number as written). `contains` is a case-sensitive
/// substring test; `regex` a search anywhere in the text of at most `maxRegexText` bytes (a regex
/// backtracks: a longer attribute, which any caller of `/v1/decide` can send, never matches);
/// `gt`/`gte`/`lt`/`lte` need numbers on both sides. A missing or null attribute matches only `neq`, `not_in` and `is_not_set`.
package struct FlagCondition: Sendable, Hashable {
    package enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq, neq
        case `in`
        case notIn = "not_in"
        case contains, gt, gte, lt, lte
        case isSet = "is_set"
        case isNotSet = "is_not_set"
        case regex
    }

    package var property: String
    package var op: Operator
    /// One value (`eq`, `neq`, `contains`, comparisons, `regex`), several (`in`, `not_in`), none (`is_set`, `is_not_set`).
    package var values: [JSONValue]

    /// The longest attribute (UTF-8 bytes) a `regex` condition is tried on.
    package static let maxRegexText = 1024

    package init(property: String, op: Operator, values: [JSONValue] = []) {
        self.property = property
        self.op = op
        self.values = values
    }

    package func matches(_ attribute: JSONValue?) -> Bool {
        guard let attribute, attribute != .null else { return op == .neq || op == .notIn || op == .isNotSet }
        let text = Self.text(attribute)
        let number = Self.number(attribute)
        switch op {
        case .isSet: return true
        case .isNotSet: return false
        case .eq, .in: return values.contains { Self.equal(text, number, $0) }
        case .neq, .notIn: return !values.contains { Self.equal(text, number, $0) }
        case .contains: return values.first.map { text.contains(Self.text($0)) } ?? false
        case .regex:
            guard text.utf8.count <= Self.maxRegexText, let pattern = values.first.map(Self.text),
                let regex = try? Regex(pattern)
            else { return false }
            return text.contains(regex)
        case .gt, .gte, .lt, .lte:
            guard let number, let bound = values.first.flatMap(Self.number) else { return false }
            switch op {
            case .gt: return number > bound
            case .gte: return number >= bound
            case .lt: return number < bound
            default: return number <= bound
            }
        }
    }

    static func text(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        default: return v.compactText
        }
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .number(let n): return Double(n).flatMap { $0.isFinite ? $0 : nil }
        case .string(let s): return Double(s).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    private static func equal(_ text: String, _ number: Double?, _ operand: JSONValue) -> Bool {
        if let number, let other = Self.number(operand) { return number == other }
        return text == Self.text(operand)
    }
}
