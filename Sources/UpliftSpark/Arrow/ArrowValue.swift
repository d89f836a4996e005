/// One cell of a decoded result, for turning rows into answers without switching over column kinds.
/// The conversions (`int64`, `double`, `string`, `bool`) are nil for a null and for a value that does
/// not convert exactly, so a caller can `guard let` on what it expects.
package enum ArrowValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    /// An unsigned 64-bit value (only `uint64` columns produce this case).
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case binary([UInt8])
    /// Microseconds since the Unix epoch (the field's `ArrowType.timestamp` keeps the time zone).
    case timestamp(microseconds: Int64)
    /// Days since the Unix epoch.
    case date(days: Int32)
    case decimal(ArrowDecimal)

    package var isNull: Bool { self == .null }

    /// Integers, unsigned values that fit, and whole decimals (`sum` results); nil otherwise.
    package var int64: Int64? {
        switch self {
        case .int(let value): value
        case .uint(let value): Int64(exactly: value)
        case .decimal(let value): value.int64
        case .null, .double, .bool, .string, .binary, .timestamp, .date: nil
        }
    }

    /// Any number as a Double (the nearest one for integers past 2^53 and for decimals); nil otherwise.
    package var double: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        case .decimal(let value): value.double
        case .null, .bool, .string, .binary, .timestamp, .date: nil
        }
    }

    package var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    package var description: String {
        switch self {
        case .null: "null"
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .string(let value): value
        case .binary(let value): value.map { String($0 >> 4, radix: 16) + String($0 & 0x0F, radix: 16) }.joined()
        case .timestamp(let microseconds): "\(microseconds)us"
        case .date(let days): "\(days)d"
        case .decimal(let value): value.description
        }
    }
}
