import Foundation
import Testing
import UpliftModel

@testable import UpliftAnalysis

/// Local days, periods and labels, checked against Foundation's calendar.
struct CalendarTests {
    @Test(arguments: [
        "UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
    ])
    func localDaysMatchFoundation(zone: String) throws {
        let calendar = try LocalCalendar(timeZone: zone)
        var foundation = Calendar(identifier: .gregorian)
        foundation.timeZone = TimeZone(identifier: zone)!
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // 2020 … 2030, with a bias to the hours around midnight.
            let seconds = Int64.random(in: 1_577_836_800...1_893_456_000, using: &random)
            let c = foundation.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = UTCDay(year: c.year!, month: c.month!, day: c.day!)!
            #expect(calendar.localDay(of: seconds * 1_000_000) == expected)
            let midnight = foundation.startOfDay(for: Date(timeIntervalSince1970: Double(seconds)))
            #expect(calendar.start(of: expected) == Int64(midnight.timeIntervalSince1970) * 1_000_000)
        }
    }

    @Test func daylightSavingDaysHave23And25Hours() throws {
        let paris = try LocalCalendar(timeZone: "Europe/Paris")
        let spring = UTCDay("2026-03-29")!
        let autumn = UTCDay("2026-10-25")!
        #expect(paris.start(of: spring.adding(days: 1)) - paris.start(of: spring) == 23 * 3_600_000_000)
        #expect(paris.start(of: autumn.adding(days: 1)) - paris.start(of: autumn) == 25 * 3_600_000_000)
    }

    @Test func periodsAndLabels() throws {
        let utc = LocalCalendar.utc
        let t = Timestamp.parse("2026-01-07T10:30:00Z")!  // a Wednesday
        #expect(utc.label(periodNumber: utc.periodNumber(of: t, .day), .day) == "2026-01-07")
        #expect(utc.label(periodNumber: utc.periodNumber(of: t, .week), .week) == "2026-01-05")
        #expect(utc.label(periodNumber: utc.periodNumber(of: t, .month), .month) == "2026-01-01")
        #expect(utc.label(periodNumber: utc.periodNumber(of: t, .hour), .hour) == "2026-01-07T10:00")
        let sunday = Timestamp.parse("2026-01-11T23:59:59Z")!
        let monday = Timestamp.parse("2026-01-12T00:00:00Z")!
        #expect(utc.periodNumber(of: monday, .week) == utc.periodNumber(of: sunday, .week) + 1)
        let december = Timestamp.parse("2025-12-31T23:00:00Z")!
        #expect(utc.periodNumber(of: t, .month) == utc.periodNumber(of: december, .month) + 1)
        // Late evening in Paris is the next day there.
        let paris = try LocalCalendar(timeZone: "Europe/Paris")
        #expect(
            paris.label(periodNumber: paris.periodNumber(of: Timestamp.parse("2026-01-07T23:30:00Z")!, .day), .day)
                == "2026-01-08")
    }

    @Test func instantsInTheCalendar() throws {
        let paris = try LocalCalendar(timeZone: "Europe/Paris")
        #expect(
            try QueryScope.instant("2026-01-08", field: "from", calendar: paris) == Timestamp.parse(
                "2026-01-07T23:00:00Z")!)
        #expect(
            try QueryScope.instant("2026-07-08T12:00", field: "from", calendar: paris) == Timestamp.parse(
                "2026-07-08T10:00:00Z")!)
        #expect(
            try QueryScope.instant("2026-07-08T12:00:00Z", field: "from", calendar: paris) == Timestamp.parse(
                "2026-07-08T12:00:00Z")!)
        #expect(
            try QueryScope.instant("2026-07-08T12:00:00+02:00", field: "from", calendar: .utc) == Timestamp.parse(
                "2026-07-08T10:00:00Z")!)
        #expect(throws: UpliftError.self) { try QueryScope.instant("yesterday", field: "from", calendar: .utc) }
        #expect(throws: UpliftError.self) { try LocalCalendar(timeZone: "Mars/Olympus") }
    }
}
