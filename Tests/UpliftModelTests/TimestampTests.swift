import Testing

@testable import UpliftModel

struct TimestampTests {
    static let valid: [(String, Int64)] = [
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01", 0),
        ("2024-05-01T12:00:00Z", 1_714_564_800_000_000),
        ("2024-05-01T12:00:00.123Z", 1_714_564_800_123_000),
        ("2024-05-01T12:00:00.1Z", 1_714_564_800_100_000),
        ("2024-05-01T12:00:00.123456789Z", 1_714_564_800_123_456),
        ("2024-05-01T12:00:00.000001Z", 1_714_564_800_000_001),
        ("2024-05-01T14:00:00+02:00", 1_714_564_800_000_000),
        ("2024-05-01T07:30:00-04:30", 1_714_564_800_000_000),
        ("2024-05-01T14:00:00+0200", 1_714_564_800_000_000),
        ("2024-05-01T14:00:00+02", 1_714_564_800_000_000),
        ("2024-05-01 12:00:00z", 1_714_564_800_000_000),
        ("2024-05-01t12:00Z", 1_714_564_800_000_000),
        ("2024-05-01T12:00:00", 1_714_564_800_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
        ("2000-02-29", 951_782_400_000_000),
        ("1969-12-31T23:59:59.5Z", -500_000),
        ("2016-12-31T23:59:60Z", 1_483_228_800_000_000),
    ]

    static let invalid: [String] = [
        "", "2024", "2024-5-01", "2024-13-01", "2024-00-10", "2024-02-30", "2023-02-29", "1900-02-29",
        "2024-04-31", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:00:61Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.1234567890Z", "2024-05-01T12:00:00ZZ",
        "2024-05-01T12:00:00+2:00", "2024-05-01T12:00:00+02:60", "2024-05-01X12:00:00Z", "2024-05-01T12",
        "2024-05-01T12:00:00 Z", "abcd-ef-ghT12:00:00Z", "2024-05-01T12:00:00+02:00x", "２０２４-05-01",
    ]

    @Test(arguments: valid)
    func parsesValid(_ text: String, _ micros: Int64) {
        #expect(Timestamp.parse(text) == micros, "\(text)")
    }

    @Test(arguments: invalid)
    func refusesInvalid(_ text: String) {
        #expect(Timestamp.parse(text) == nil, "\(text)")
    }

    @Test func epochSecondsAndMilliseconds() {
        #expect(Timestamp.fromEpoch(1_714_564_800) == 1_714_564_800_000_000)
        #expect(Timestamp.fromEpoch(1_714_564_800.25) == 1_714_564_800_250_000)
        #expect(Timestamp.fromEpoch(1_714_564_800_123) == 1_714_564_800_123_000)
        #expect(Timestamp.fromEpoch(.nan) == nil)
        #expect(Timestamp.fromEpoch(.infinity) == nil)
        #expect(Timestamp.fromEpoch(1e30) == nil)
    }

    @Test func agreesWithCivilCalendarAcrossYears() {
        // Every first of January from 1970 to 2100 is 365 or 366 days after the previous one.
        var previous = Timestamp.parse("1970-01-01")!
        for year in 1971...2100 {
            let t = Timestamp.parse("\(year)-01-01")!
            let days = (t - previous) / 86_400_000_000
            let y = year - 1
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
            #expect(days == (leap ? 366 : 365))
            previous = t
        }
    }
}

struct StableHashTests {
    /// Reference values from the `mmh3` Python package (hash128, x64, seed 0).
    static let vectors: [(String, UInt64, UInt64)] = [
        ("", 0, 0),
        ("hello", 0xcbd8_a7b3_41bd_9b02, 0x5b1e_906a_48ae_1d19),
        ("The quick brown fox jumps over the lazy dog", 0xe34b_bc7b_bc07_1b6c, 0x7a43_3ca9_c49a_9347),
        ("0123456789abcdefX", 0xcdeb_d2ac_b570_d6f7, 0x8f72_1197_8210_4b27),
    ]

    @Test(arguments: vectors)
    func murmurMatchesReference(_ text: String, _ h1: UInt64, _ h2: UInt64) {
        let (a, b) = Array(text.utf8).withUnsafeBytes { StableHash.murmur3x64_128($0) }
        #expect(a == h1)
        #expect(b == h2)
    }

    @Test func eventIDFormat() {
        let id = Array("hello".utf8).withUnsafeBytes { StableHash.eventID(for: $0) }
        #expect(id == "h-cbd8a7b341bd9b025b1e906a48ae1d19")
    }
}

/// The one ISO-8601 writer: known values, and `parse` reads back every time it writes.
struct TimestampFormatTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        (1_714_564_800_123_000, "2024-05-01T12:00:00.123000Z", "2024-05-01T12:00:00Z"),
        (1_714_564_800_000_001, "2024-05-01T12:00:00.000001Z", "2024-05-01T12:00:00Z"),
        (-1, "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59Z"),
    ])
    func knownTimes(_ t: Int64, _ full: String, _ seconds: String) {
        #expect(Timestamp.format(t) == full)
        #expect(Timestamp.formatSeconds(t) == seconds)
    }

    @Test func parseReadsBackWhatFormatWrites() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let t = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &random)
            #expect(Timestamp.parse(Timestamp.format(t)) == t)
            let whole = Timestamp.parse(Timestamp.formatSeconds(t))
            #expect(whole.map { t - $0 }.map { (0..<1_000_000).contains($0) } == true)
        }
    }

    @Test func epochSecondsAreTruncated() {
        #expect(Timestamp.formatSeconds(epochSeconds: 1_714_564_800.999) == "2024-05-01T12:00:00Z")
        #expect(Timestamp.formatSeconds(epochSeconds: -0.5) == "1969-12-31T23:59:59Z")
    }
}
