import Testing
import UpliftModel

@testable import UpliftWorkload

@Suite struct PrimitivesTests {
    @Test func civilDatesRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 2_900_000, by: 997) {
            let (y, m, d) = UTCDay(daysSinceEpoch: days).components
            #expect(UTCDay(year: y, month: m, day: d)?.daysSinceEpoch == days)
        }
        #expect(UTCDay(daysSinceEpoch: 20_454).components == (2026, 1, 1))
        #expect(UTCDay(daysSinceEpoch: 20_454).weekday == 3)  // 2026-01-01 is a Thursday
    }

    @Test func timestampsFormatLikeISO8601() {
        var clock = TimestampFormatter()
        let out = Cursor.render { c in
            clock.write(1_767_225_600_000 + 13 * 3_600_000 + 5 * 60_000 + 9_042, to: &c)
            clock.write(951_782_400_000 - 1, to: &c)  // 2000-02-29T00:00:00Z minus 1 ms
        }
        #expect(String(decoding: out, as: UTF8.self) == "\"2026-01-01T13:05:09.042Z\"\"2000-02-28T23:59:59.999Z\"")
    }

    @Test func decimalsAndHex() {
        for value in [0, 7, 10, 99, 1_234_567, Int.max] {
            let out = Cursor.render { $0.decimal(value) }
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
        let hex = Cursor.render { $0.hex(0xDEAD_BEEF_0123, digits: 16) }
        #expect(String(decoding: hex, as: UTF8.self) == "0000deadbeef0123")
        let uuid = Cursor.render { $0.uuid(hi: 0x0123_4567_89AB_CDEF, lo: 0xFEDC_BA98_7654_3210) }
        #expect(String(decoding: uuid, as: UTF8.self) == "\"01234567-89ab-4def-bedc-ba9876543210\"")
    }

    @Test func zipfTableFollowsItsWeights() {
        let table = ZipfTable(count: 10, exponent: 1)
        var rng = SplitMix64(seed: 1)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<200_000 { counts[table.sample(rng.next())] += 1 }
        let harmonic = (1...10).reduce(0.0) { $0 + 1 / Double($1) }
        for rank in 0..<10 {
            let expected = 200_000 / (Double(rank + 1) * harmonic)
            #expect(abs(Double(counts[rank]) - expected) < expected * 0.08 + 100, "rank \(rank)")
        }
    }

    @Test func splitMixIsDeterministicAndBounded() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        for _ in 0..<1_000 { #expect(a.next() == b.next()) }
        for bound in [1, 2, 3, 1_000, 86_400_000] {
            for _ in 0..<1_000 {
                let v = a.below(bound)
                #expect(v >= 0 && v < bound)
            }
        }
        var mean = 0.0
        for _ in 0..<100_000 { mean += a.unit() }
        #expect(abs(mean / 100_000 - 0.5) < 0.01)
    }
}
