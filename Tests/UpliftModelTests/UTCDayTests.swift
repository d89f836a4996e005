import Foundation
import Testing
import UpliftModel

struct UTCDayTests {
    /// Foundation's Gregorian calendar turns Julian before 1582; ours is proleptic Gregorian (ISO 8601), so compare after 1600.
    @Test func formatsAndParsesLikeFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        var rng = SystemRandomNumberGenerator()
        for days in [-1, 0, 1, 59, 60, 365, 10_956, 11_016, 20_454, 2_932_896]
            + (0..<500).map({ _ in Int64.random(in: -130_000...200_000, using: &rng) })
        {
            let day = UTCDay(daysSinceEpoch: Int64(days))
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(day.description == expected)
            #expect(UTCDay(expected) == day)
        }
    }

    @Test func dayOfNegativeAndBoundaryTimes() {
        #expect(UTCDay(microseconds: 0).description == "1970-01-01")
        #expect(UTCDay(microseconds: -1).description == "1969-12-31")
        #expect(UTCDay(microseconds: UTCDay.microsecondsPerDay - 1).description == "1970-01-01")
        #expect(UTCDay(microseconds: UTCDay.microsecondsPerDay).description == "1970-01-02")
        #expect(UTCDay(daysSinceEpoch: -719_468).description == "0000-03-01")
    }

    @Test(arguments: [
        "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-32", "abcd-ef-gh", "",
    ])
    func rejectsInvalidDates(_ text: String) {
        #expect(UTCDay(text) == nil)
    }

    @Test func acceptsLeapDays() {
        #expect(UTCDay("2024-02-29") != nil)
        #expect(UTCDay("2000-02-29") != nil)
        #expect(UTCDay("1900-02-29") == nil)
    }
}

struct ProjectSlugTests {
    @Test(arguments: ["demo", "a", "my-app-2", String(repeating: "x", count: 63)])
    func accepts(_ slug: String) throws {
        #expect(try ProjectSlug(slug).value == slug)
    }

    @Test(arguments: ["", "-lead", "Upper", "has space", "dot.dot", "../etc", "é", String(repeating: "x", count: 64)])
    func rejects(_ slug: String) {
        #expect(throws: UpliftError.self) { try ProjectSlug(slug) }
    }
}
