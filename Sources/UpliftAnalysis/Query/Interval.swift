package import UpliftModel

/// The bucket of a time series: local hours, days, ISO weeks (Monday first) or calendar months.
package enum Interval: String, Sendable, Hashable, CaseIterable {
    case hour, day, week, month
}

/// A length of time written as a number and a unit: `30m`, `24h`, `7d`, `2w` (minutes, hours, days,
/// weeks). Conversion windows and rolling windows use it.
package struct TimeLength: Sendable, Hashable, CustomStringConvertible {
    package var microseconds: Int64
    /// The text it was parsed from (for output).
    package var description: String

    /// Largest accepted length: 365 days (longer windows are almost always a typo).
    package static let maximum: Int64 = 365 * 86_400_000_000

    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 8, let unit = bytes.last else { return nil }
        var value: Int64 = 0
        for b in bytes.dropLast() {
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int64(b - 48)
        }
        let scale: Int64
        switch unit {
        case UInt8(ascii: "s"): scale = 1_000_000
        case UInt8(ascii: "m"): scale = 60_000_000
        case UInt8(ascii: "h"): scale = 3_600_000_000
        case UInt8(ascii: "d"): scale = 86_400_000_000
        case UInt8(ascii: "w"): scale = 7 * 86_400_000_000
        default: return nil
        }
        guard value > 0, value <= Self.maximum / scale else { return nil }
        microseconds = value * scale
        description = text
    }

    package init(days: Int) {
        microseconds = Int64(days) * 86_400_000_000
        description = "\(days)d"
    }

    /// Whole days, when the length is a whole number of days.
    package var wholeDays: Int? {
        microseconds % 86_400_000_000 == 0 ? Int(microseconds / 86_400_000_000) : nil
    }
}

extension UTCDay {
    /// ISO 8601 week: the Monday on or before this day.
    package var monday: UTCDay { adding(days: -Int64(weekday)) }
}
