import Foundation
import Testing
import UpliftStats

/// A JSON fixture navigated by key and index; numbers may be written "inf" / "-inf".
struct JSON: @unchecked Sendable, CustomTestStringConvertible {
    let value: Any

    static func load(_ name: String) throws -> JSON {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        return JSON(value: try JSONSerialization.jsonObject(with: Data(contentsOf: url)))
    }

    subscript(key: String) -> JSON { JSON(value: (value as? [String: Any])?[key] ?? NSNull()) }
    subscript(index: Int) -> JSON {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSON(value: NSNull()) }
        return JSON(value: array[index])
    }

    var array: [JSON] { (value as? [Any] ?? []).map { JSON(value: $0) } }
    var keys: [String] { (value as? [String: Any]).map { Array($0.keys).sorted() } ?? [] }
    var isNull: Bool { value is NSNull }
    var string: String? { value as? String }

    var double: Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }

    var int: Int? { double.map { Int($0) } }

    /// The entry with `"id": id` in an array of objects.
    func entry(_ id: String) -> JSON { array.first { $0["id"].string == id } ?? JSON(value: NSNull()) }

    var testDescription: String { self["name"].string ?? self["id"].string ?? "\(value)" }
}

/// MetricSums from the fixture's spellings of per-variant inputs.
enum Sums {
    static func mean(n: Int, sum: Double, sumSquares: Double) -> MetricSums {
        var s = MetricSums(components: 1)
        s.n = n
        s.sums = [sum]
        s.products = [sumSquares]
        return s
    }

    static func proportion(n: Int, conversions: Double) -> MetricSums {
        mean(n: n, sum: conversions, sumSquares: conversions)
    }

    /// From `{n, sum, sum_squares}` or `{n, conversions}`.
    static func arm(_ j: JSON) -> MetricSums {
        if let c = j["conversions"].double { return proportion(n: j["n"].int ?? 0, conversions: c) }
        return mean(n: j["n"].int ?? 0, sum: j["sum"].double ?? 0, sumSquares: j["sum_squares"].double ?? 0)
    }

    /// Components z with Σz and the upper triangle of Σzzᵀ.
    static func make(n: Int, sums: [Double], products: [[Double]]) -> MetricSums {
        var s = MetricSums(components: sums.count)
        s.n = n
        s.sums = sums
        var slot = 0
        for i in sums.indices {
            for j in i..<sums.count {
                s.products[slot] = products[i][j]
                slot += 1
            }
        }
        return s
    }
}

/// |actual − expected| ≤ tolerance, with a readable failure.
func expectClose(
    _ actual: Double?, _ expected: Double?, _ tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let expected else {
        Issue.record("\(what): no expected value", sourceLocation: sourceLocation)
        return
    }
    guard let actual else {
        Issue.record("\(what): got nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    if expected.isInfinite {
        Issue.record("\(what): an infinite expectation must be checked as nil", sourceLocation: sourceLocation)
        return
    }
    #expect(
        abs(actual - expected) <= tolerance, "\(what): \(actual) vs \(expected) (tolerance \(tolerance))",
        sourceLocation: sourceLocation)
}

/// Close in absolute terms for small values, relative for large ones (5 decimals by default).
func expectNear(
    _ actual: Double?, _ expected: Double?, _ what: String, decimals: Double = 5e-6,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let scale = max(1, abs(expected ?? 0))
    expectClose(actual, expected, decimals * scale, what, sourceLocation: sourceLocation)
}
