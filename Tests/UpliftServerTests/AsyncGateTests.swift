import Synchronization
import Testing

@testable import UpliftServer

struct AsyncGateTests {
    final class Tally: Sendable {
        let inside = Atomic<Int>(0)
        let most = Atomic<Int>(0)
        let order = Mutex<[Int]>([])
    }

    /// Many callers, two places: never more than two inside at once, and every caller gets in.
    @Test func atMostTheLimitRunAtOnce() async {
        let gate = AsyncGate(limit: 2)
        let tally = Tally()
        let done = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    await gate.withPermit {
                        let now = tally.inside.add(1, ordering: .relaxed).newValue
                        _ = tally.most.max(now, ordering: .relaxed)
                        await Task.yield()
                        _ = tally.inside.subtract(1, ordering: .relaxed)
                        return 1
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(done == 50)
        #expect(tally.most.load(ordering: .relaxed) <= 2)
        #expect(tally.most.load(ordering: .relaxed) >= 1)
    }

    /// Waiters get in in the order they arrived.
    @Test func waitersGetInInArrivalOrder() async {
        let gate = AsyncGate(limit: 1)
        let tally = Tally()
        let (holding, held) = AsyncStream.makeStream(of: Void.self)
        let (release, released) = AsyncStream.makeStream(of: Void.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await gate.withPermit {
                    held.yield()
                    for await _ in release { break }
                }
            }
            for await _ in holding { break }
            for i in 0..<5 {
                group.addTask { await gate.withPermit { tally.order.withLock { $0.append(i) } } }
                // Let this waiter queue before the next one starts.
                while gate.waiting < i + 1 { await Task.yield() }
            }
            released.yield()
        }
        #expect(tally.order.withLock { $0 } == [0, 1, 2, 3, 4])
    }
}
