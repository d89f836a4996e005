/// The Arrow logical types the stream reader decodes, as the schema declares them. The decoded column
/// may be wider (`ArrowColumn`), so the declared type is kept here for callers that care.
package enum ArrowType: Sendable, Hashable, CustomStringConvertible {
    /// A column with no storage whose every value is null.
    case null
    /// An integer of 8, 16, 32 or 64 bits.
    case int(bitWidth: Int, signed: Bool)
    /// IEEE 754 single precision (decoded widened to Double, which is exact).
    case float
    /// IEEE 754 double precision.
    case double
    case bool
    /// UTF-8 text with 32-bit offsets (`large` for 64-bit offsets).
    case utf8(large: Bool)
    /// Bytes with 32-bit offsets (`large` for 64-bit offsets).
    case binary(large: Bool)
    /// An instant (or, without a time zone, a wall-clock time) counted in `unit`s since the Unix epoch.
    case timestamp(unit: TimeUnit, timezone: String?)
    /// Days since the Unix epoch (`.day`, 32 bits) or milliseconds since it (`.millisecond`, 64 bits).
    case date(unit: DateUnit)
    /// A 128-bit two's complement unscaled integer; the value is `unscaled × 10^-scale`.
    case decimal(precision: Int32, scale: Int32)

    package enum TimeUnit: Int16, Sendable, Hashable {
        case second = 0
        case millisecond = 1
        case microsecond = 2
        case nanosecond = 3

        var abbreviation: String {
            switch self {
            case .second: "s"
            case .millisecond: "ms"
            case .microsecond: "us"
            case .nanosecond: "ns"
            }
        }
    }

    package enum DateUnit: Int16, Sendable, Hashable {
        case day = 0
        case millisecond = 1
    }

    /// The type as pyarrow prints it (`int64`, `timestamp[us, tz=UTC]`, `decimal128(10, 2)`), so error
    /// messages read the same as the tools people check them with.
    package var description: String {
        switch self {
        case .null: "null"
        case .int(let bitWidth, let signed): "\(signed ? "" : "u")int\(bitWidth)"
        case .float: "float"
        case .double: "double"
        case .bool: "bool"
        case .utf8(let large): large ? "large_string" : "string"
        case .binary(let large): large ? "large_binary" : "binary"
        case .timestamp(let unit, let timezone):
            timezone.map { "timestamp[\(unit.abbreviation), tz=\($0)]" } ?? "timestamp[\(unit.abbreviation)]"
        case .date(.day): "date32[day]"
        case .date(.millisecond): "date64[ms]"
        case .decimal(let precision, let scale): "decimal128(\(precision), \(scale))"
        }
    }

    /// How many buffers a column of this type has in a record batch (validity first, then data).
    var bufferCount: Int {
        switch self {
        case .null: 0
        case .utf8, .binary: 3
        case .int, .float, .double, .bool, .timestamp, .date, .decimal: 2
        }
    }
}
