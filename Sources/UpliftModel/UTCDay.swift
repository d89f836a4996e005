/// A calendar day in UTC, as days since 1970-01-01; the unit of the store's date partitions, and the
/// one place that converts between day counts and calendar dates (proleptic Gregorian).
package struct UTCDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    package static let microsecondsPerDay: Int64 = 86_400_000_000
    package let daysSinceEpoch: Int64

    package init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The day holding a time given in microseconds since the epoch.
    package init(microseconds: Int64) {
        let (q, r) = microseconds.quotientAndRemainder(dividingBy: Self.microsecondsPerDay)
        daysSinceEpoch = r < 0 ? q - 1 : q
    }

    /// Parses `YYYY-MM-DD`.
    package init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m),
            (1...Self.daysIn(month: m, year: y)).contains(d)
        else { return nil }
        daysSinceEpoch = Self.days(year: y, month: m, day: d)
    }

    /// The day of a calendar date, or nil when there is no such date.
    package init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...Self.daysIn(month: Int64(month), year: Int64(year))).contains(Int64(day))
        else { return nil }
        daysSinceEpoch = Self.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    package var startMicroseconds: Int64 { daysSinceEpoch * Self.microsecondsPerDay }

    /// The calendar date (proleptic Gregorian).
    package var components: (year: Int, month: Int, day: Int) {
        let (y, m, d) = civil
        return (Int(y), Int(m), Int(d))
    }

    /// Day of the week, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    package var weekday: Int { Int(((daysSinceEpoch % 7) + 7 + 3) % 7) }
    package func adding(days: Int64) -> UTCDay { UTCDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// `YYYY-MM-DD`.
    package var description: String {
        let (y, m, d) = civil
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    package static func < (a: Self, b: Self) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    private var civil: (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    package static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
