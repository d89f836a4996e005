import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

struct EventCodecTests {
    @Test func roundTrips() throws {
        let events = sampleEvents(count: 500, seed: 1)
        let bytes = EventCodec.encode(project: "demo", events: events)
        let (project, decoded) = try EventCodec.decode(bytes)
        #expect(project == "demo")
        #expect(decoded == events)
    }

    @Test func everyTruncationIsRejectedNotCrashed() {
        let bytes = EventCodec.encode(project: "p", events: sampleEvents(count: 3, seed: 2))
        for cut in 0..<bytes.count {
            #expect(throws: UpliftError.self) { try EventCodec.decode(Array(bytes[0..<cut])) }
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededRandom(seed: 3)
        for _ in 0..<2_000 {
            var bytes = EventCodec.encode(project: "p", events: sampleEvents(count: 2, seed: rng.next()))
            let i = Int(rng.next() % UInt64(bytes.count))
            bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            _ = try? EventCodec.decode(bytes)
        }
    }
}

struct FingerprintTests {
    @Test func distinctIDsGiveDistinctFingerprints() {
        var seen = Set<Fingerprint>()
        for i in 0..<200_000 { seen.insert(Fingerprint("id-\(i)")) }
        for i in 0..<1_000 { seen.insert(Fingerprint(String(repeating: "a", count: i))) }
        #expect(seen.count == 201_000)
        #expect(Fingerprint("abc") == Fingerprint("abc"))
    }
}

struct DedupIndexTests {
    /// The index against a naive model: a set of (project, id, day) where a duplicate is the same id within a day either side.
    @Test func matchesNaiveModel() throws {
        var index = DedupIndex { _, _ throws(UpliftError) in [] }
        var naive: [(String, String, Int64)] = []
        var rng = SeededRandom(seed: 9)
        for _ in 0..<20_000 {
            let project = try ProjectSlug(["a", "b"][Int(rng.next() % 2)])
            let id = "id-\(rng.next() % 3_000)"
            let day = Int64(rng.next() % 40)
            let expected = !naive.contains { $0.0 == project.value && $0.1 == id && abs($0.2 - day) <= 1 }
            let got = try index.insert(project: project, day: UTCDay(daysSinceEpoch: day), id: Fingerprint(id))
            #expect(got == expected)
            if expected { naive.append((project.value, id, day)) }
        }
    }

    @Test func loadsEachDayOnceFromTheLoader() throws {
        final class Calls: @unchecked Sendable { var days: [Int64] = [] }
        let calls = Calls()
        var index = DedupIndex { _, day throws(UpliftError) in
            calls.days.append(day.daysSinceEpoch)
            return day.daysSinceEpoch == 10 ? [Fingerprint("stored")] : []
        }
        let p = try ProjectSlug("p")
        #expect(try index.insert(project: p, day: UTCDay(daysSinceEpoch: 11), id: Fingerprint("stored")) == false)
        #expect(try index.insert(project: p, day: UTCDay(daysSinceEpoch: 11), id: Fingerprint("new")) == true)
        #expect(calls.days.sorted() == [10, 11, 12])
    }
}
