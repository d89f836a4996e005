import TestSupport
import Testing
import UpliftModel

@testable import UpliftStorage

struct FingerprintSetTests {
    /// Random inserts and removals against `Set`, with few distinct low halves (long probe chains,
    /// wrap-around, backward-shift deletion) and the all-zero fingerprint.
    @Test func matchesSet() {
        var rng = SeededRandom(seed: 21)
        var set = FingerprintSet()
        var model = Set<Fingerprint>()
        for step in 0..<40_000 {
            let f = Fingerprint(high: rng.next() % 5, low: (rng.next() % 97) << (step % 2 == 0 ? 0 : 40))
            switch rng.next() % 3 {
            case 0:
                set.remove(f)
                model.remove(f)
            default:
                #expect(set.insert(f) == model.insert(f).inserted)
            }
            #expect(set.contains(f) == model.contains(f))
            #expect(set.count == model.count)
        }
        for high: UInt64 in 0..<5 {
            for low: UInt64 in 0..<97 {
                for shift: UInt64 in [0, 40] {
                    let f = Fingerprint(high: high, low: low << shift)
                    #expect(set.contains(f) == model.contains(f))
                }
            }
        }
    }

    /// Many distinct ids: several incremental grows, each checked while its move is under way.
    @Test func growsIncrementallyWithoutLosingIds() {
        var rng = SeededRandom(seed: 8)
        var set = FingerprintSet()
        var model: [Fingerprint] = []
        for step in 0..<60_000 {
            let f = Fingerprint(high: rng.next(), low: rng.next())
            let inserted = set.insert(f)
            let again = set.insert(f)
            #expect(inserted && !again)
            model.append(f)
            if step % 997 == 0 {
                // Everything so far is found, in whichever table it is now; an unseen id is not.
                #expect(model.allSatisfy { set.contains($0) })
                #expect(!set.contains(Fingerprint(high: rng.next(), low: rng.next())))
            }
        }
        #expect(set.count == model.count)
        for f in model.prefix(500) { set.remove(f) }
        #expect(set.count == model.count - 500)
        #expect(
            model.prefix(500).allSatisfy { !set.contains($0) } && model.dropFirst(500).allSatisfy { set.contains($0) })
    }

    @Test func batchDedupMatchesOneByOne() throws {
        var batch = DedupIndex { _, day throws(UpliftError) in day.daysSinceEpoch == 3 ? [Fingerprint("id-1")] : [] }
        var single = DedupIndex { _, day throws(UpliftError) in day.daysSinceEpoch == 3 ? [Fingerprint("id-1")] : [] }
        var rng = SeededRandom(seed: 4)
        let p = try ProjectSlug("p")
        let events = (0..<3_000).map { i in
            Event(
                eventID: "id-\(rng.next() % 400)", type: .track, event: "e", distinctID: "d",
                timestamp: Int64(rng.next() % 8) * UTCDay.microsecondsPerDay + Int64(i), receivedAt: 0)
        }
        let fresh = try batch.insert(project: p, events: events)
        var expected: [Event] = []
        for e in events
        where try single.insert(project: p, day: UTCDay(microseconds: e.timestamp), id: Fingerprint(e.eventID)) {
            expected.append(e)
        }
        #expect(fresh == expected)
        #expect(fresh.count < events.count)
        #expect(batch.count == single.count)
    }
}
