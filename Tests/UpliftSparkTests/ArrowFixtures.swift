import Foundation
import UpliftSpark

/// The pyarrow-written streams in `Fixtures/` and what `arrow_fixtures.json` says each decodes to
/// (regenerate both with `Fixtures/make_arrow_fixtures.py`).
enum ArrowFixtures {
    struct Expected: Decodable, Sendable {
        struct Field: Decodable, Sendable {
            let name: String
            let type: String
            let nullable: Bool
        }

        struct Failure: Decodable, Sendable {
            let code: String
            let contains: [String]
        }

        let fields: [Field]?
        let rowCount: Int?
        /// Per column, per row: the value rendered as `render` renders it, nil for null.
        let columns: [[String?]]?
        /// [byte offset, rows before it]: where a cut stream is still a valid, shorter stream.
        let boundaries: [[Int]]?
        let error: Failure?
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let expected: [String: Expected] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("arrow_fixtures.json"))
        return try! JSONDecoder().decode([String: Expected].self, from: data)
    }()

    /// Fixtures that decode to a table, and fixtures that must be refused.
    static let tables = expected.filter { $0.value.error == nil }.keys.sorted()
    static let refusals = expected.filter { $0.value.error != nil }.keys.sorted()

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: directory.appendingPathComponent(name + ".arrows")))
    }

    /// A value as arrow_fixtures.json writes it; doubles are compared separately (`matches`).
    static func render(_ value: ArrowValue) -> String? {
        switch value {
        case .null: nil
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .string(let value): value
        case .binary(let value): value.map { String(format: "%02x", $0) }.joined()
        case .timestamp(let microseconds): String(microseconds)
        case .date(let days): String(days)
        case .decimal(let value): String(value.unscaled)
        }
    }

    /// Whether a decoded value is the expected one: doubles by bit pattern after parsing Python's repr
    /// (so -0.0 differs from 0.0 and NaN matches NaN), everything else by its rendering.
    static func matches(_ value: ArrowValue, _ expected: String?) -> Bool {
        if case .double(let actual) = value, let expected, let parsed = Double(expected) {
            return actual.isNaN ? parsed.isNaN : actual.bitPattern == parsed.bitPattern
        }
        return render(value) == expected
    }
}

/// SplitMix64, so a failing random test reproduces from its seed (the same generator as Uplift's
/// TestSupport `SeededRandom`, which this package does not have).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
