import Foundation
import Synchronization
package import UpliftModel

/// Calendar days, weeks and months in a project's time zone.
///
/// Local dates are represented as `UTCDay` values (a day count, no zone attached): `localDay(of:)`
/// answers which local date an instant falls on. Zones without daylight saving use a fixed offset;
/// the others a table of local midnights from 1970 to 2200, so every lookup is a few comparisons.
package struct LocalCalendar: Sendable {
    package let timeZone: String
    private let fixedOffset: Int64?
    /// Local midnights in UTC microseconds, for zones with daylight saving; index = day − `firstDay`.
    private let midnights: [Int64]
    private static let firstDay: Int64 = 0
    private static let dayCount: Int64 = 84_000

    package static let utc = LocalCalendar(uncheckedUTC: ())

    private init(uncheckedUTC: ()) {
        timeZone = "UTC"
        fixedOffset = 0
        midnights = []
    }

    /// Calendars already built, by zone: a zone with daylight saving costs a table of local
    /// midnights to build, so each process builds it once.
    private static let built = Mutex<[String: LocalCalendar]>([:])

    /// Fails with a message naming the field when `timeZone` is not an IANA zone.
    package init(timeZone: String, field: String = "time_zone") throws(UpliftError) {
        if timeZone == "UTC" || timeZone == "Etc/UTC" {
            self = .utc
            return
        }
        if let known = Self.built.withLock({ $0[timeZone] }) {
            self = known
            return
        }
        try self.init(building: timeZone, field: field)
        let calendar = self
        Self.built.withLock { $0[timeZone] = calendar }
    }

    private init(building timeZone: String, field: String) throws(UpliftError) {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw UpliftError(
                .invalidInput,
                "\(field): \(UpliftError.quote(timeZone)) is not an IANA time zone (e.g. UTC, Europe/Paris)")
        }
        self.timeZone = timeZone
        let probe = Date(timeIntervalSince1970: 1_767_225_600)
        if zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil {
            fixedOffset = Int64(zone.secondsFromGMT(for: probe)) * 1_000_000
            midnights = []
        } else {
            fixedOffset = nil
            var table: [Int64] = []
            table.reserveCapacity(Int(Self.dayCount))
            for day in Self.firstDay..<Self.firstDay + Self.dayCount {
                let utcMidnight = day * UTCDay.microsecondsPerDay
                // The offset in force a little after local midnight (transitions happen at night).
                let guess =
                    utcMidnight - Int64(
                        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcMidnight / 1_000_000))))
                    * 1_000_000
                let offset =
                    Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess / 1_000_000)))) * 1_000_000
                table.append(utcMidnight - offset)
            }
            midnights = table
        }
    }

    /// The local date of an instant.
    package func localDay(of time: Int64) -> UTCDay {
        if let fixedOffset { return UTCDay(microseconds: time &+ fixedOffset) }
        // Guess from UTC, then step to the right local day (offsets are under a day).
        var day = UTCDay(microseconds: time).daysSinceEpoch
        day = min(max(day, Self.firstDay), Self.firstDay + Self.dayCount - 2)
        while day > Self.firstDay, midnights[Int(day - Self.firstDay)] > time { day -= 1 }
        while day < Self.firstDay + Self.dayCount - 1, midnights[Int(day + 1 - Self.firstDay)] <= time { day += 1 }
        return UTCDay(daysSinceEpoch: day)
    }

    /// The instant local `day` starts.
    package func start(of day: UTCDay) -> Int64 {
        if let fixedOffset { return day.startMicroseconds - fixedOffset }
        let index = day.daysSinceEpoch - Self.firstDay
        guard index >= 0, index < Self.dayCount else { return day.startMicroseconds }
        return midnights[Int(index)]
    }

    /// The first local day of the period holding `day`.
    package func periodStart(_ day: UTCDay, _ interval: Interval) -> UTCDay {
        switch interval {
        case .hour, .day: return day
        case .week: return day.monday
        case .month:
            let c = day.components
            return UTCDay(year: c.year, month: c.month, day: 1)!
        }
    }

    /// The first local day of the period after the one starting on `start`.
    package func nextPeriod(_ start: UTCDay, _ interval: Interval) -> UTCDay {
        switch interval {
        case .hour, .day: return start.adding(days: 1)
        case .week: return start.adding(days: 7)
        case .month:
            let c = start.components
            return c.month == 12
                ? UTCDay(year: c.year + 1, month: 1, day: 1)! : UTCDay(year: c.year, month: c.month + 1, day: 1)!
        }
    }

    /// A number for the period holding `time` (consecutive periods get consecutive numbers):
    /// hours and days since the epoch, ISO weeks since the epoch's week, months since 1970-01.
    package func periodNumber(of time: Int64, _ interval: Interval) -> Int64 {
        switch interval {
        case .hour:
            let day = localDay(of: time)
            let intoDay = time - start(of: day)
            return day.daysSinceEpoch * 24 + intoDay / 3_600_000_000
        case .day: return localDay(of: time).daysSinceEpoch
        case .week: return Self.weekNumber(localDay(of: time))
        case .month: return Self.monthNumber(localDay(of: time))
        }
    }

    package static func weekNumber(_ day: UTCDay) -> Int64 { (day.monday.daysSinceEpoch + 3) / 7 }
    package static func monthNumber(_ day: UTCDay) -> Int64 {
        let c = day.components
        return Int64(c.year - 1970) * 12 + Int64(c.month - 1)
    }

    /// The period number of a local day (hours: its first hour).
    package func periodNumber(ofDay day: UTCDay, _ interval: Interval) -> Int64 {
        switch interval {
        case .hour: return day.daysSinceEpoch * 24
        case .day: return day.daysSinceEpoch
        case .week: return Self.weekNumber(day)
        case .month: return Self.monthNumber(day)
        }
    }

    /// The first and the next period's first instant of period `n` (`periodNumber`).
    package func bounds(periodNumber n: Int64, _ interval: Interval) -> (start: Int64, end: Int64) {
        switch interval {
        case .hour:
            let day = UTCDay(daysSinceEpoch: n >= 0 ? n / 24 : (n - 23) / 24)
            let start = start(of: day) + (n - day.daysSinceEpoch * 24) * 3_600_000_000
            return (start, start + 3_600_000_000)
        case .day, .week, .month:
            let first =
                switch interval {
                case .week: UTCDay(daysSinceEpoch: n * 7 - 3)
                case .month: UTCDay(year: 1970 + Int(n / 12), month: Int(n % 12) + 1, day: 1)!
                default: UTCDay(daysSinceEpoch: n)
                }
            return (start(of: first), start(of: nextPeriod(first, interval)))
        }
    }

    /// The label of a period: `YYYY-MM-DD` of its first day, or `YYYY-MM-DDTHH:00` for hours.
    package func label(periodNumber n: Int64, _ interval: Interval) -> String {
        switch interval {
        case .hour:
            let day = UTCDay(daysSinceEpoch: n >= 0 ? n / 24 : (n - 23) / 24)
            let hour = n - day.daysSinceEpoch * 24
            return "\(day)T\(hour < 10 ? "0" : "")\(hour):00"
        case .day: return UTCDay(daysSinceEpoch: n).description
        case .week: return UTCDay(daysSinceEpoch: n * 7 - 3).description
        case .month:
            let year = 1970 + Int(n / 12)
            let month = Int(n % 12) + 1
            return UTCDay(year: year, month: month, day: 1)!.description
        }
    }
}
